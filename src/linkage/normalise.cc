#include "linkage/normalise.h"

#include <algorithm>
#include <cstdint>

namespace harmlens::linkage {
namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// Base letter of U+00C0..U+00FF, or 0 for the two symbols (× ÷) in that block.
char FoldLatin1(uint32_t code_point) {
  static constexpr char kFold[] =
      "aaaaaaaceeeeiiii"    // C0..CF  (Æ -> a)
      "dnooooo\0ouuuuyts"   // D0..DF  (× dropped, Þ -> t, ß -> s)
      "aaaaaaaceeeeiiii"    // E0..EF
      "dnooooo\0ouuuuyty";  // F0..FF  (÷ dropped)
  return kFold[code_point - 0xC0];
}

std::string NormaliseName(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size();) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if (byte < 0x80) {
      if (IsAsciiLetter(value[i])) out += Lower(value[i]);
      ++i;
      continue;
    }
    size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1;
    length = std::min(length, value.size() - i);
    if (length == 2) {
      const uint32_t code_point = ((byte & 0x1Fu) << 6) | (static_cast<unsigned char>(value[i + 1]) & 0x3Fu);
      if (code_point >= 0xC0 && code_point <= 0xFF) {
        if (char base = FoldLatin1(code_point)) out += base;
        i += length;
        continue;
      }
      if (code_point < 0xC0) {  // Latin-1 punctuation and symbols, NBSP
        i += length;
        continue;
      }
    }
    if (length == 3 && value.substr(i, 3) == "\xE2\x80\x99") {  // ’ typographic apostrophe
      i += length;
      continue;
    }
    if (length == 3 && value.substr(i, 3) == "\xE2\x80\x90") {  // ‐ hyphen
      i += length;
      continue;
    }
    out.append(value.substr(i, length));
    i += length;
  }
  return out;
}

std::string NormaliseDate(std::string_view value) {
  std::string digits;
  if (value.size() == 10 && (value[4] == '-' || value[4] == '/') && value[7] == value[4]) {
    digits =
        std::string(value.substr(0, 4)) + std::string(value.substr(5, 2)) + std::string(value.substr(8, 2));
  } else if (value.size() == 8) {
    digits = std::string(value);
  } else {
    return "";
  }
  if (!std::all_of(digits.begin(), digits.end(), IsDigit)) return "";
  const int month = (digits[4] - '0') * 10 + (digits[5] - '0');
  const int day = (digits[6] - '0') * 10 + (digits[7] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return "";
  return digits;
}

std::string NormalisePostcode(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == ' ') continue;
    if (!IsAsciiLetter(c) && !IsDigit(c)) return "";
    out += Upper(c);
  }
  if (out.size() < 5 || out.size() > 7) return "";
  return out;
}

std::string NormaliseSex(std::string_view value) {
  std::string lower;
  for (char c : value) lower += Lower(c);
  if (lower == "f" || lower == "female") return "F";
  if (lower == "m" || lower == "male") return "M";
  if (lower == "x") return "X";
  return "";
}

std::string NormaliseText(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : value) {
    if (IsAsciiLetter(c) || IsDigit(c)) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += Lower(c);
    } else {
      pending_space = true;
    }
  }
  return out;
}

std::string NormaliseDigits(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (IsDigit(c)) out += c;
  }
  return out;
}

}  // namespace

bool NormaliserFromName(std::string_view name, Normaliser* out) {
  static constexpr std::pair<std::string_view, Normaliser> kNames[] = {
      {"name", Normaliser::kName}, {"date", Normaliser::kDate}, {"postcode", Normaliser::kPostcode},
      {"sex", Normaliser::kSex},   {"text", Normaliser::kText}, {"digits", Normaliser::kDigits},
  };
  for (const auto& [spelling, kind] : kNames) {
    if (spelling == name) {
      *out = kind;
      return true;
    }
  }
  return false;
}

std::string Normalise(Normaliser kind, std::string_view value) {
  switch (kind) {
    case Normaliser::kName:
      return NormaliseName(value);
    case Normaliser::kDate:
      return NormaliseDate(value);
    case Normaliser::kPostcode:
      return NormalisePostcode(value);
    case Normaliser::kSex:
      return NormaliseSex(value);
    case Normaliser::kText:
      return NormaliseText(value);
    case Normaliser::kDigits:
      return NormaliseDigits(value);
  }
  return "";
}

std::vector<std::string> QGrams(std::string_view value, int q) {
  std::vector<std::string> grams;
  if (value.empty() || q < 1) return grams;
  const std::string padded = std::string(q - 1, '_') + std::string(value) + std::string(q - 1, '_');
  for (size_t i = 0; i + q <= padded.size(); ++i) {
    std::string gram = padded.substr(i, q);
    if (std::find(grams.begin(), grams.end(), gram) == grams.end()) grams.push_back(std::move(gram));
  }
  return grams;
}

std::string Soundex(std::string_view name) {
  // a e i o u y h w -> 0 (h and w do not separate equal codes), the rest as Russell's table.
  static constexpr char kCode[] = "01230120022455012623010202";
  std::string out;
  char last = 0;
  for (char raw : name) {
    if (!IsAsciiLetter(raw)) continue;
    const char c = Lower(raw);
    const char code = kCode[c - 'a'];
    if (out.empty()) {
      out += Upper(c);
      last = code;
      continue;
    }
    if (c == 'h' || c == 'w') continue;
    if (code != '0' && code != last) out += code;
    last = code;
    if (out.size() == 4) break;
  }
  if (out.empty()) return "";
  out.resize(4, '0');
  return out;
}

}  // namespace harmlens::linkage
