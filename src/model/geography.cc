#include "model/geography.h"

#include <cctype>

namespace harmlens {

const std::array<CspArea, kCspAreaCount>& LlrCspAreas() {
  static const std::array<CspArea, kCspAreaCount> kAreas = {{
      {"E06000016", "Leicester"},
      {"E06000017", "Rutland"},
      {"E07000129", "Blaby"},
      {"E07000130", "Charnwood"},
      {"E07000131", "Harborough"},
      {"E07000132", "Hinckley and Bosworth"},
      {"E07000133", "Melton"},
      {"E07000134", "North West Leicestershire"},
      {"E07000135", "Oadby and Wigston"},
  }};
  return kAreas;
}

std::optional<CspArea> FindCspArea(std::string_view code_or_name) {
  auto same = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) !=
          std::tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  };
  for (const CspArea& area : LlrCspAreas()) {
    if (same(area.code, code_or_name) || same(area.name, code_or_name)) return area;
  }
  return std::nullopt;
}

}  // namespace harmlens
