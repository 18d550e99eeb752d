// Reference geography as plain values: LSOAs (2011) and the nine Community Safety
// Partnership areas of Leicester, Leicestershire and Rutland (one per district).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace harmlens {

struct CspArea {
  std::string_view code;  // ONS local authority district code
  std::string_view name;
};

inline constexpr int kCspAreaCount = 9;

// The nine LLR CSP areas in ONS code order.
const std::array<CspArea, kCspAreaCount>& LlrCspAreas();

// By code ("E07000129") or by name, ignoring case ("blaby").
std::optional<CspArea> FindCspArea(std::string_view code_or_name);

struct Lsoa {
  std::string code;  // 2011 LSOA code, e.g. "E01025631"
  std::string name;  // e.g. "Blaby 002A"
  std::string csp_area;  // district code
  int imd_rank = 0;      // national IMD 2019 rank, 1 = most deprived of 32,844
  int imd_decile = 0;    // 1 = most deprived 10%
  int population = 0;    // mid-2018 residents (ONS SAPE21)
};

}  // namespace harmlens
