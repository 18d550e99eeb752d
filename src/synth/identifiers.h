// Identifiers as a partner agency holds them: the true name, date of birth, sex and
// postcode with errors planted at documented rates (docs/synthetic-llr.md): typing
// errors, nicknames and spelling variants, swapped day and month, missing values, old
// postcodes and former surnames. Every planted error is reported, so the ground truth
// can say exactly what was done to each record. Pure functions of their inputs.
#pragma once

#include <cstdint>
#include <string>

#include "model/incident.h"
#include "synth/population.h"
#include "synth/random.h"
#include "synth/tables.h"

namespace harmlens::synth {

// Planted errors, as bits of HeldIdentifiers::errors.
enum IdentifierError : uint16_t {
  kErrGivenVariant = 1 << 0,    // a nickname or spelling variant of the given name
  kErrGivenTypo = 1 << 1,       // one typing error in the given name
  kErrSurnameTypo = 1 << 2,     // one typing error in the surname
  kErrSurnameFormer = 1 << 3,   // the surname before a change (marriage)
  kErrDobSwapped = 1 << 4,      // day and month of birth swapped
  kErrDobTypo = 1 << 5,         // one digit of the date of birth wrong
  kErrDobMissing = 1 << 6,
  kErrSexUnknown = 1 << 7,
  kErrPostcodeMissing = 1 << 8,
  kErrPostcodeOutdated = 1 << 9,  // the postcode before the last move
};
inline constexpr int kIdentifierErrorCount = 10;
// "given_variant", "dob_swapped", ... for the truth files.
const char* IdentifierErrorName(IdentifierError error);

// Per-record probabilities (the documented rates).
struct IdentifierErrorRates {
  double given_variant = 0.10;     // of records whose name has a variant in the table
  double given_typo = 0.03;
  double surname_typo = 0.03;
  double surname_former = 0.40;    // of records of people whose surname changed
  double dob_swapped = 0.03;       // of records whose day of birth is 1-12 and not equal to the month
  double dob_typo = 0.015;
  double dob_missing = 0.02;
  double sex_unknown = 0.01;
  double postcode_missing = 0.10;
  double postcode_outdated = 0.15;  // of records of people who moved
};

struct HeldIdentifiers {
  std::string given_name;
  std::string surname;
  std::string date_of_birth;  // YYYY-MM-DD or ""
  char sex = 'U';             // F, M, X, U
  std::string postcode;
  uint16_t errors = 0;
};

// One typing error: a keyboard-neighbour substitution, a deletion, a doubled letter or
// two adjacent letters transposed. The result differs from `text` whenever `text` has
// at least two letters.
std::string WithTypo(const std::string& text, Rng& rng);

// `event_day` bounds the held date of birth: an error never puts birth after the event.
HeldIdentifiers HoldIdentifiers(const Person& person, const Identity& identity, const NameTables& names,
                                const IdentifierErrorRates& rates, int64_t event_day, Rng& rng);

char SexLetter(Sex sex);

}  // namespace harmlens::synth
