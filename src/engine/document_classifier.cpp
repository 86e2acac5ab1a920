#include "imr/engine/document_classifier.h"

#include <chrono>
#include <exception>

#include "imr/classify/regex.h"

namespace imr {

document_classifier::document_classifier(const engine& shared_engine, input::decoder_limits limits,
                                         classification_probe& probe)
    : engine_(shared_engine), decoder_(limits), probe_(probe) {}

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

classified_document document_classifier::classify_guarded(std::string_view bytes,
                                                          output::source_info source) {
    try {
        return classify_or_throw(bytes, source);
    } catch (const classify::match_error& e) {
        probe_.match_failed();
        return internal_failure(bytes, std::move(source), e.what());
    } catch (const std::exception& e) {
        return internal_failure(bytes, std::move(source), e.what());
    }
}

classified_document document_classifier::internal_failure(std::string_view bytes,
                                                          output::source_info source,
                                                          std::string_view what) {
    // The promise is "never crash on input": a defect becomes a dead-letter record.
    classified_document out;
    out.failure = error{errc::internal, "classification failed: " + std::string(what)};
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

    auto classified = engine_.classify_text(decoded->text);
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
