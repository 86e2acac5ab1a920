#include "imr/engine/document_classifier.h"

#include <chrono>
#include <exception>
#include <new>

#include "imr/classify/regex.h"

namespace imr {

document_classifier::document_classifier(const engine& shared_engine, input::decoder_limits limits,
                                         classification_probe& probe)
    : engine_(shared_engine),
      max_cpu_(limits.max_cpu),
      decoder_(std::move(limits)),
      probe_(probe) {}

classified_document document_classifier::classify(std::string_view bytes,
                                                  output::source_info source) {
    const auto started = std::chrono::steady_clock::now();
    classified_document out = classify_guarded(bytes, source);
    const auto took = std::chrono::steady_clock::now() - started;
    if (out.failure) {
        probe_.failed(out.failure->code, took);
    } else {
        probe_.classified(*out.value, took);
    }
    return out;
}

classified_document document_classifier::reject(error failure, output::source_info source) {
    probe_.failed(failure.code, std::chrono::nanoseconds{0});
    classified_document out;
    out.json = output::error_to_json(failure, source);
    out.failure = std::move(failure);
    return out;
}

classified_document document_classifier::classify_guarded(std::string_view bytes,
                                                          output::source_info source) {
    try {
        return classify_or_throw(bytes, source);
    } catch (const classify::match_error& e) {
        probe_.match_failed();
        return failure_record(bytes, std::move(source), internal_error(e.what()));
    } catch (const std::bad_alloc&) {
        // PDFs have a memory budget in their helper; text that exhausts the worker's
        // memory is over any budget, not a defect.
        return failure_record(bytes, std::move(source),
                              {errc::too_complex, "the text went over the memory available"});
    } catch (const std::exception& e) {
        // The promise is "never crash on input": a defect becomes a dead-letter record.
        return failure_record(bytes, std::move(source), internal_error(e.what()));
    }
}

error document_classifier::internal_error(std::string_view what) {
    return {errc::internal, "classification failed: " + std::string(what)};
}

classified_document document_classifier::failure_record(std::string_view bytes,
                                                        output::source_info source, error failure) {
    classified_document out;
    out.failure = std::move(failure);
    source.bytes = bytes.size();
    out.json = output::error_to_json(*out.failure, source);
    return out;
}

classified_document document_classifier::classify_or_throw(std::string_view bytes,
                                                           output::source_info source) {
    classified_document out;
    source.bytes = bytes.size();
    auto decoded = decoder_.decode(bytes);
    if (!decoded) {
        source.document_id = decoder_.last_document_id();
        out.failure = std::move(decoded).err();
        out.json = output::error_to_json(*out.failure, source);
        return out;
    }
    out.format = decoded->format;
    source.format = input::to_string(decoded->format);
    if (decoded->id) source.document_id = decoded->id;

    auto classified = engine_.classify_text(decoded->text, cpu_deadline(max_cpu_));
    if (!classified) {
        out.failure = std::move(classified).err();
        out.json = output::error_to_json(*out.failure, source);
        return out;
    }
    out.value = std::move(classified).value();
    out.json = output::outcome_to_json(*out.value, source);
    return out;
}

}  // namespace imr
