#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace imr {

// Why a document could not be turned into an outcome. Every code is part of the
// error-record contract (schemas/error.schema.json): rename one and consumers break.
enum class errc {
    empty,                // no bytes, or only white space
    invalid_utf8,         // text input that is not UTF-8
    too_large,            // input over the configured size limit
    bad_pdf,              // looks like a PDF but poppler cannot open or read it
    bad_envelope,         // JSON envelope that is malformed or lacks text/pdf_base64
    not_a_determination,  // readable text, but not an IMR determination letter
    no_decisions_found,   // an IMR letter in which no item decision could be found
    decision_unreadable,  // an item whose decision word is unreadable and whose rationale
                          // does not state it either
    unreadable,           // a file that could not be read (classify only)
    too_complex,          // over the per-document CPU time, memory or text budget
    internal,  // a bug or resource exhaustion while classifying: never the input's fault alone
};

inline constexpr errc all_error_codes[] = {errc::empty,
                                           errc::invalid_utf8,
                                           errc::too_large,
                                           errc::bad_pdf,
                                           errc::bad_envelope,
                                           errc::not_a_determination,
                                           errc::no_decisions_found,
                                           errc::decision_unreadable,
                                           errc::unreadable,
                                           errc::too_complex,
                                           errc::internal};

[[nodiscard]] std::string_view to_string(errc code) noexcept;

// An error as a value: a stable code plus a message for humans. Messages never quote
// letter text: they end up in logs and dead-letter headers.
struct error {
    errc code;
    std::string message;
};

// The per-document result type. A tiny stand-in for std::expected (C++23).
template <typename T>
class [[nodiscard]] result {
  public:
    result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
    result(error err) : state_(std::move(err)) {}  // NOLINT: implicit by design
    result(errc code, std::string message) : state_(error{code, std::move(message)}) {}

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    [[nodiscard]] const error& err() const& { return std::get<1>(state_); }
    [[nodiscard]] error&& err() && { return std::get<1>(std::move(state_)); }

  private:
    std::variant<T, error> state_;
};

}  // namespace imr
