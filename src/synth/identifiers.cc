#include "synth/identifiers.h"

#include <cctype>

#include "synth/calendar.h"

namespace harmlens::synth {
namespace {

// Neighbouring keys on a UK QWERTY keyboard, for substitutions.
const char* Neighbours(char lower) {
  switch (lower) {
    case 'a': return "qwsz";
    case 'b': return "vghn";
    case 'c': return "xdfv";
    case 'd': return "serfcx";
    case 'e': return "wsdr";
    case 'f': return "drtgvc";
    case 'g': return "ftyhbv";
    case 'h': return "gyujnb";
    case 'i': return "ujko";
    case 'j': return "huikmn";
    case 'k': return "jiolm";
    case 'l': return "kop";
    case 'm': return "njk";
    case 'n': return "bhjm";
    case 'o': return "iklp";
    case 'p': return "ol";
    case 'q': return "wa";
    case 'r': return "edft";
    case 's': return "awedxz";
    case 't': return "rfgy";
    case 'u': return "yhji";
    case 'v': return "cfgb";
    case 'w': return "qase";
    case 'x': return "zsdc";
    case 'y': return "tghu";
    case 'z': return "asx";
    default: return "e";
  }
}

bool IsLetter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

}  // namespace

const char* IdentifierErrorName(IdentifierError error) {
  switch (error) {
    case kErrGivenVariant: return "given_variant";
    case kErrGivenTypo: return "given_typo";
    case kErrSurnameTypo: return "surname_typo";
    case kErrSurnameFormer: return "surname_former";
    case kErrDobSwapped: return "dob_swapped";
    case kErrDobTypo: return "dob_typo";
    case kErrDobMissing: return "dob_missing";
    case kErrSexUnknown: return "sex_unknown";
    case kErrPostcodeMissing: return "postcode_missing";
    case kErrPostcodeOutdated: return "postcode_outdated";
  }
  return "unknown";
}

char SexLetter(Sex sex) {
  switch (sex) {
    case Sex::kFemale: return 'F';
    case Sex::kMale: return 'M';
    case Sex::kOther: return 'X';
    case Sex::kUnknown: return 'U';
  }
  return 'U';
}

std::string WithTypo(const std::string& text, Rng& rng) {
  std::vector<size_t> letters;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsLetter(text[i])) letters.push_back(i);
  }
  if (letters.size() < 2) return text;
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string out = text;
    double kind = rng.Uniform();
    if (kind < 0.40) {  // substitution by a neighbouring key, keeping case
      size_t i = letters[rng.Below(letters.size())];
      bool upper = std::isupper(static_cast<unsigned char>(out[i])) != 0;
      const char* near = Neighbours(static_cast<char>(std::tolower(static_cast<unsigned char>(out[i]))));
      size_t n = std::char_traits<char>::length(near);
      char c = near[rng.Below(n)];
      out[i] = upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    } else if (kind < 0.60) {  // deletion of a letter other than the first
      size_t i = letters[1 + rng.Below(letters.size() - 1)];
      out.erase(i, 1);
    } else if (kind < 0.75) {  // a doubled letter
      size_t i = letters[1 + rng.Below(letters.size() - 1)];
      out.insert(i, 1, out[i]);
    } else {  // adjacent letters transposed
      size_t k = rng.Below(letters.size() - 1);
      size_t i = letters[k];
      size_t j = letters[k + 1];
      if (j != i + 1) continue;
      bool upper_i = std::isupper(static_cast<unsigned char>(out[i])) != 0;
      char a = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
      char b = static_cast<char>(std::tolower(static_cast<unsigned char>(out[j])));
      out[i] = upper_i ? static_cast<char>(std::toupper(static_cast<unsigned char>(b))) : b;
      out[j] = a;
    }
    if (out != text) return out;
  }
  // Fall back to a substitution of the last letter, which always changes the text.
  std::string out = text;
  size_t i = letters.back();
  out[i] = out[i] == 'e' ? 'a' : 'e';
  return out;
}

HeldIdentifiers HoldIdentifiers(const Person& person, const Identity& identity, const NameTables& names,
                                const IdentifierErrorRates& rates, int64_t event_day, Rng& rng) {
  HeldIdentifiers held;
  // Given name.
  held.given_name = names.given_names[identity.given_name];
  const auto& variants = names.variants[identity.given_name];
  if (!variants.empty() && rng.Chance(rates.given_variant)) {
    held.given_name = variants[rng.Below(variants.size())].text;
    held.errors |= kErrGivenVariant;
  }
  if (rng.Chance(rates.given_typo)) {
    std::string typo = WithTypo(held.given_name, rng);
    if (typo != held.given_name) {
      held.given_name = std::move(typo);
      held.errors |= kErrGivenTypo;
    }
  }
  // A typo can undo a variant ("Aliyah" back to "Aaliyah"): then the name is right.
  if (held.given_name == names.given_names[identity.given_name]) {
    held.errors &= static_cast<uint16_t>(~(kErrGivenVariant | kErrGivenTypo));
  }
  // Surname.
  held.surname = names.surnames[identity.surname];
  if (identity.birth_surname != identity.surname && rng.Chance(rates.surname_former)) {
    held.surname = names.surnames[identity.birth_surname];
    held.errors |= kErrSurnameFormer;
  }
  if (rng.Chance(rates.surname_typo)) {
    std::string typo = WithTypo(held.surname, rng);
    if (typo != held.surname) {
      held.surname = std::move(typo);
      held.errors |= kErrSurnameTypo;
    }
  }
  if (held.surname == names.surnames[identity.surname]) {
    held.errors &= static_cast<uint16_t>(~(kErrSurnameFormer | kErrSurnameTypo));
  }
  // Date of birth.
  CivilDate dob = CivilFromDays(person.birth_day);
  const CivilDate latest = CivilFromDays(event_day);
  auto after_event = [&](const CivilDate& d) {
    if (d.year != latest.year) return d.year > latest.year;
    if (d.month != latest.month) return d.month > latest.month;
    return d.day > latest.day;
  };
  if (rng.Chance(rates.dob_missing)) {
    held.errors |= kErrDobMissing;
  } else {
    if (dob.day <= 12 && dob.day != dob.month && rng.Chance(rates.dob_swapped)) {
      CivilDate swapped{dob.year, dob.day, dob.month};
      if (!after_event(swapped)) {
        dob = swapped;
        held.errors |= kErrDobSwapped;
      }
    }
    if (rng.Chance(rates.dob_typo)) {
      // One digit of the day's units or the year's units, keeping a real date.
      if (rng.Chance(0.5)) {
        int units = dob.day % 10;
        int replacement = static_cast<int>((units + 1 + rng.Below(9)) % 10);
        int day = dob.day - units + replacement;
        if (day >= 1 && day <= DaysInMonth(dob.year, dob.month) && !after_event({dob.year, dob.month, day})) {
          dob.day = day;
          held.errors |= kErrDobTypo;
        }
      } else {
        int units = dob.year % 10;
        int replacement = static_cast<int>((units + 1 + rng.Below(9)) % 10);
        int year = dob.year - units + replacement;
        if (dob.day <= DaysInMonth(year, dob.month) && !after_event({year, dob.month, dob.day})) {
          dob.year = year;
          held.errors |= kErrDobTypo;
        }
      }
    }
    AppendPadded(&held.date_of_birth, dob.year, 4);
    held.date_of_birth += '-';
    AppendPadded(&held.date_of_birth, dob.month, 2);
    held.date_of_birth += '-';
    AppendPadded(&held.date_of_birth, dob.day, 2);
  }
  // Sex.
  held.sex = SexLetter(person.sex);
  if (rng.Chance(rates.sex_unknown)) {
    held.sex = 'U';
    held.errors |= kErrSexUnknown;
  }
  // Postcode.
  if (rng.Chance(rates.postcode_missing)) {
    held.errors |= kErrPostcodeMissing;
  } else if (!identity.previous_postcode.empty() && rng.Chance(rates.postcode_outdated)) {
    held.postcode = identity.previous_postcode;
    held.errors |= kErrPostcodeOutdated;
  } else {
    held.postcode = identity.postcode;
  }
  return held;
}

}  // namespace harmlens::synth
