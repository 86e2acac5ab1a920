#include "imr/input/base64.h"

#include <array>
#include <cstdint>

namespace imr::input {
namespace {

constexpr int invalid = -1;
constexpr int skip = -2;

constexpr std::array<int, 256> make_table() {
    std::array<int, 256> table{};
    for (int& entry : table) entry = invalid;
    constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < alphabet.size(); ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<int>(i);
    }
    for (const char c : std::string_view(" \t\r\n")) table[static_cast<unsigned char>(c)] = skip;
    return table;
}

constexpr std::array<int, 256> decode_table = make_table();

}  // namespace

std::optional<std::string> decode_base64(std::string_view encoded) {
    std::string out;
    out.reserve(encoded.size() / 4 * 3);
    uint32_t accumulator = 0;
    int bits = 0;
    size_t padding = 0;
    for (const char c : encoded) {
        if (c == '=') {
            ++padding;
            continue;
        }
        const int value = decode_table[static_cast<unsigned char>(c)];
        if (value == skip) continue;
        if (value == invalid || padding > 0) return std::nullopt;
        accumulator = (accumulator << 6) | static_cast<uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((accumulator >> bits) & 0xFFu));
        }
    }
    if (bits >= 6 || padding > 2) return std::nullopt;
    return out;
}

}  // namespace imr::input
