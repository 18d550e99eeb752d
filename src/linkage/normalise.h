// Normalisation of identifiers before they are compared or encoded (docs/linkage.md,
// "Normalisation", with its test vectors): the partner and the hub must turn the same
// person's name, date of birth, sex and postcode into the same string, or no encoding
// can match. Pure functions of their input; safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace harmlens::linkage {

enum class Normaliser { kName, kDate, kPostcode, kSex, kText, kDigits };

// The schema's spelling ("name", "date", ...); false if unknown.
bool NormaliserFromName(std::string_view name, Normaliser* out);

// One rule per kind; "" means missing (a value that normalises to nothing, or cannot
// be read, is missing: it is never guessed).
//   name:     ASCII letters lower-cased; Latin-1 accented letters (U+00C0..U+00FF) folded
//             to their base letter; other non-ASCII characters kept; everything else
//             (space, hyphen, apostrophe, digits, punctuation) dropped.
//   date:     YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD with a real month 01-12 and day 01-31
//             -> YYYYMMDD.
//   postcode: letters upper-cased, spaces dropped; only A-Z and 0-9 allowed, 5-7 characters.
//   sex:      F, M or X (any case; also female/male) -> "F", "M", "X"; U and others missing.
//   text:     lower-cased letters and digits; runs of anything else become one space; trimmed.
//   digits:   the digits only.
std::string Normalise(Normaliser kind, std::string_view value);

// Padded q-grams of `value` (q-1 '_' each side; q = 1 gives the characters), as bytes.
// Duplicates are kept once, in first-seen order. Empty value -> none.
std::vector<std::string> QGrams(std::string_view value, int q);

// American Soundex (letter + three digits) of a normalised name; "" if it has no ASCII letter.
std::string Soundex(std::string_view name);

}  // namespace harmlens::linkage
