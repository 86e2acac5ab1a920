#include "imr/observe/classification_metrics.h"

#include <map>
#include <string>

#include "imr/core/taxonomy.h"

namespace imr::observe {
namespace {

// Letters take tens of microseconds from text and milliseconds from PDF.
prometheus::Histogram::BucketBoundaries duration_buckets() {
    return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
            0.01,    0.025,  0.05,    0.1,    0.25,  1};
}

double seconds(std::chrono::nanoseconds d) {
    return std::chrono::duration<double>(d).count();
}

// One line "  <title>: <label value> <count>, ..." of a one-label family's non-zero series.
void print_nonzero_counts(std::FILE* out, const char* title,
                          prometheus::Family<prometheus::Counter>& family) {
    std::string line;
    for (const auto& metric_family : family.Collect()) {
        for (const auto& metric : metric_family.metric) {
            if (metric.counter.value <= 0) continue;
            if (!line.empty()) line += ", ";
            line += metric.label.front().value + " " +
                    std::to_string(static_cast<unsigned long long>(metric.counter.value));
        }
    }
    if (!line.empty()) std::fprintf(out, "  %s: %s\n", title, line.c_str());
}

}  // namespace

classification_metrics::classification_metrics(prometheus::Registry& registry)
    : classified_(prometheus::BuildCounter()
                      .Name("imr_documents_classified_total")
                      .Help("Documents classified into an outcome")
                      .Register(registry)
                      .Add({})),
      dead_lettered_(prometheus::BuildCounter()
                         .Name("imr_documents_dead_lettered_total")
                         .Help("Documents that could not be classified, by error code")
                         .Register(registry)),
      items_(prometheus::BuildCounter()
                 .Name("imr_items_classified_total")
                 .Help("Disputed items classified, by treatment category and decision")
                 .Register(registry)),
      letters_(prometheus::BuildCounter()
                   .Name("imr_letters_total")
                   .Help("Letters classified, by outcome")
                   .Register(registry)),
      layouts_(prometheus::BuildCounter()
                   .Name("imr_letters_by_layout_total")
                   .Help("Letters classified, by layout")
                   .Register(registry)),
      match_errors_(prometheus::BuildCounter()
                        .Name("imr_pattern_match_errors_total")
                        .Help("Pattern matching failures (RE2 DFA out of memory); each document "
                              "became an internal dead letter")
                        .Register(registry)
                        .Add({})),
      duration_(prometheus::BuildHistogram()
                    .Name("imr_classification_duration_seconds")
                    .Help("Time to decode and classify one document")
                    .Register(registry)
                    .Add({}, duration_buckets())) {
    // Every known label value exists from the start at 0: Prometheus cannot take a rate
    // from a series' first sample, so a series born at its first event hides that event.
    for (const auto outcome : letter_outcomes) letters_.Add({{"outcome", std::string(outcome)}});
    for (const auto value :
         {layout::notice_2013, layout::fdl_2014, layout::fdl_2015, layout::professional_review}) {
        layouts_.Add({{"layout", std::string(to_string(value))}});
    }
    for (const auto category : dwc_categories) {
        for (const auto value : {decision::upheld, decision::overturned}) {
            items_.Add(
                {{"category", std::string(category)}, {"decision", std::string(to_string(value))}});
        }
    }
    for (const auto code : all_error_codes)
        dead_lettered_.Add({{"code", std::string(to_string(code))}});
}

void classification_metrics::classified(const outcome& value, std::chrono::nanoseconds took) {
    classified_.Increment();
    letters_.Add({{"outcome", value.summary.outcome}}).Increment();
    layouts_.Add({{"layout", std::string(to_string(value.layout))}}).Increment();
    for (const auto& item : value.items) {
        items_
            .Add({{"category", item.category}, {"decision", std::string(to_string(item.decision))}})
            .Increment();
    }
    duration_.Observe(seconds(took));
    items_total_ += value.items.size();
    nanoseconds_total_ += static_cast<uint64_t>(took.count());
}

void classification_metrics::match_failed() {
    match_errors_.Increment();
}

void classification_metrics::failed(errc code, std::chrono::nanoseconds took) {
    dead_lettered_.Add({{"code", std::string(to_string(code))}}).Increment();
    duration_.Observe(seconds(took));
    ++failures_total_;
    nanoseconds_total_ += static_cast<uint64_t>(took.count());
}

void classification_metrics::print_summary(std::FILE* out) const {
    const auto letters = static_cast<uint64_t>(classified_.Value());
    const uint64_t documents = letters + failures_total_;
    std::fprintf(out, "classified %llu of %llu documents, %llu items, %llu failed",
                 static_cast<unsigned long long>(letters),
                 static_cast<unsigned long long>(documents),
                 static_cast<unsigned long long>(items_total_.load()),
                 static_cast<unsigned long long>(failures_total_.load()));
    if (documents > 0) {
        std::fprintf(out, ", %.0f us per document (worker time)",
                     static_cast<double>(nanoseconds_total_.load()) / 1000.0 /
                         static_cast<double>(documents));
    }
    std::fputc('\n', out);
    print_nonzero_counts(out, "letters by outcome", letters_);
    print_nonzero_counts(out, "failures by code", dead_lettered_);
}

}  // namespace imr::observe
