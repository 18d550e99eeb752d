#include "engine/harm_weights.h"

namespace harmlens {
namespace {

// Sources are named in docs/harm-weights.md. "SC" = Sentencing Council definitive
// guideline for England and Wales; "lowest" = the starting point of the least serious
// harm and culpability category, which is what the Cambridge index takes for a
// first-time offender. Non-custodial starting points are turned into days with
// harmlens's own conversion (docs/harm-weights.md): Band A fine 1 day, Band B 1,
// Band C 2; low-level community order 5, medium 10, high 20. That conversion is an
// assumption, not the Cambridge index's.
const std::vector<OffenceHarmWeight> kOffences = {
    {"1", "Murder", 5475, "Sentencing Act 2020 Sch. 21: 15-year minimum term starting point (adult)"},
    {"4/1", "Manslaughter", 730, "SC Manslaughter (2018), unlawful act, culpability D: 2 years"},
    {"2", "Attempted murder", 3650, "SC Attempted murder (2021), lowest category: 10 years (to verify)"},
    {"5D", "Assault with intent to cause serious harm", 1460,
     "SC s18 GBH with intent (2021), lowest category: 4 years (to verify)"},
    {"8N", "Assault with injury", 20, "SC ABH (2021), lowest: high-level community order (converted)"},
    {"105A", "Assault without injury", 1, "SC Common assault (2021), lowest: Band A fine (converted)"},
    {"8L", "Harassment", 10, "SC Harassment (2018), lowest: medium-level community order (converted)"},
    {"8Q", "Stalking", 10, "SC Stalking (2018), lowest: medium-level community order (converted)"},
    {"8R", "Controlling or coercive behaviour", 20,
     "SC Controlling or coercive behaviour (2018), lowest: high-level community order (converted)"},
    {"19C", "Rape of a female aged 16 and over", 1825, "SC Rape (2014), category 3B: 5 years"},
    {"20A", "Sexual assault on a female aged 13 and over", 20,
     "SC Sexual assault (2014), category 3B: high-level community order (converted)"},
    {"17A", "Sexual assault on a male aged 13 and over", 20,
     "SC Sexual assault (2014), category 3B: high-level community order (converted)"},
    {"34B", "Robbery of personal property", 365,
     "SC Robbery, street and less sophisticated commercial (2016), 3C: 1 year"},
    {"34A", "Robbery of business property", 365,
     "SC Robbery, street and less sophisticated commercial (2016), 3C: 1 year"},
    {"28E", "Burglary - residential, home", 20,
     "SC Domestic burglary (2022), category 3C: high-level community order (converted)"},
    {"28F", "Attempted burglary - residential, home", 20,
     "assumption: weighted as 28E (the guideline covers attempts)"},
    {"30C", "Burglary - business and community", 10,
     "SC Non-domestic burglary (2022), lowest: medium-level community order (converted)"},
    {"30D", "Attempted burglary - business and community", 10, "assumption: weighted as 30C"},
    {"58A", "Criminal damage to a dwelling", 1,
     "SC Criminal damage under 5,000 GBP (2019), lowest: Band A fine (converted)"},
    {"58B", "Criminal damage to a building other than a dwelling", 1, "as 58A"},
    {"58C", "Criminal damage to a vehicle", 1, "as 58A"},
    {"58D", "Other criminal damage", 1, "as 58A"},
    {"56B", "Arson not endangering life", 20,
     "SC Arson (2019), lowest: high-level community order (converted)"},
    {"92A", "Trafficking in controlled drugs", 20,
     "assumption: SC Supply (2021) class A category 4 lesser role, high-level community order; "
     "the Cambridge index leaves proactive drug offences out"},
    {"92D", "Possession of controlled drugs (excluding cannabis)", 2,
     "SC Possession (2021) class A, lowest: Band C fine (converted)"},
    {"92E", "Possession of cannabis", 1, "SC Possession (2021) class B, lowest: Band B fine (converted)"},
    {"10C", "Possession of article with blade or point", 20,
     "SC Bladed articles and offensive weapons (2018), lowest: high-level community order (converted)"},
    {"10D", "Possession of other offensive weapon", 20, "as 10C"},
    {"10A", "Possession of firearms offences", 1825,
     "assumption: the 5-year minimum term for prohibited weapons (Firearms Act 1968 s51A), which not every "
     "10A offence carries"},
    {"9A", "Public fear, alarm or distress", 1,
     "SC Public order s4/s5 (2020), lowest: Band B fine (converted)"},
    {"9B", "Racially or religiously aggravated public fear, alarm or distress", 5,
     "assumption: 9A raised to a low-level community order for the aggravation"},
    {"65", "Violent disorder", 182, "SC Violent disorder (2020), lowest category: 6 months (to verify)"},
    {"44", "Theft or unauthorised taking of a pedal cycle", 1,
     "SC Theft (2016), lowest: Band B fine (converted)"},
    {"49", "Other theft", 1, "SC Theft (2016), lowest: Band B fine (converted)"},
    {"46", "Shoplifting", 1, "SC Theft from a shop (2016), lowest: Band B fine (converted)"},
    {"39", "Theft from the person", 1, "SC Theft (2016), lowest: Band B fine (converted)"},
    {"45", "Theft from a vehicle", 1, "SC Theft (2016), lowest: Band B fine (converted)"},
    {"48", "Theft or unauthorised taking of a motor vehicle", 1,
     "SC TWOC (2017), lowest: Band B fine (converted)"},
    {"126", "Interfering with a motor vehicle", 1, "assumption: weighted as 45"},
    {"99", "Other notifiable offences", 1, "assumption: the smallest weight, for lack of anything better"},
};

// Records without an offence code (police.uk) get the weight of the offence that is
// the most common in their category (the modal offence), so categories holding rare
// grave offences (violence and sexual offences) are understated: docs/harm-weights.md.
const std::vector<CategoryHarmWeight> kCategories = {
    {CrimeType::kAntiSocialBehaviour, 0, "not a crime: no sentence, weight 0 (as the Cambridge index)"},
    {CrimeType::kBicycleTheft, 1, "modal offence 44"},
    {CrimeType::kBurglary, 20, "modal offence 28E"},
    {CrimeType::kCriminalDamageAndArson, 1, "modal offence 58C"},
    {CrimeType::kDrugs, 1, "modal offence 92E"},
    {CrimeType::kOtherCrime, 1, "assumption, as 99"},
    {CrimeType::kOtherTheft, 1, "modal offence 49"},
    {CrimeType::kPossessionOfWeapons, 20, "modal offence 10C"},
    {CrimeType::kPublicOrder, 1, "modal offence 9A"},
    {CrimeType::kRobbery, 365, "modal offence 34B"},
    {CrimeType::kShoplifting, 1, "modal offence 46"},
    {CrimeType::kTheftFromThePerson, 1, "modal offence 39"},
    {CrimeType::kVehicleCrime, 1, "modal offence 45"},
    {CrimeType::kViolenceAndSexualOffences, 1, "modal offence 105A (understates: see docs)"},
};

}  // namespace

const std::vector<OffenceHarmWeight>& OffenceHarmWeights() { return kOffences; }
const std::vector<CategoryHarmWeight>& CategoryHarmWeights() { return kCategories; }

double HarmWeightDays(std::string_view offence_code, CrimeType crime_type) {
  if (!offence_code.empty()) {
    for (const OffenceHarmWeight& w : kOffences) {
      if (w.offence_code == offence_code) return w.days;
    }
  }
  for (const CategoryHarmWeight& w : kCategories) {
    if (w.crime_type == crime_type) return w.days;
  }
  return 0;
}

}  // namespace harmlens
