#include "geo/boundary_scanner.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>
#include <system_error>

#include "base/decimal.h"

namespace harmlens {

bool SetZoneBounds(ZonePolygon* zone) {
  bool first = true;
  for (const Ring& ring : zone->rings) {
    for (const GeoPoint& p : ring.points) {
      if (first) {
        zone->min_lon = zone->max_lon = p.longitude;
        zone->min_lat = zone->max_lat = p.latitude;
        first = false;
      }
      zone->min_lon = std::min(zone->min_lon, p.longitude);
      zone->max_lon = std::max(zone->max_lon, p.longitude);
      zone->min_lat = std::min(zone->min_lat, p.latitude);
      zone->max_lat = std::max(zone->max_lat, p.latitude);
    }
  }
  return !first;
}

namespace {

// A strict JSON reader over the text, narrowed to what a boundary file holds; every
// method returns false at the first thing it does not accept.
class BoundaryScanner {
 public:
  explicit BoundaryScanner(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool Read(std::vector<ZonePolygon>* zones) {
    bool seen_features = false;
    auto member = [&](std::string_view name) {
      if (name != "features") return SkipValue(0);
      if (seen_features || !Consume('[')) return false;
      seen_features = true;
      return Elements([&] {
        ZonePolygon zone;
        if (!Feature(&zone) || !SetZoneBounds(&zone)) return false;
        zones->push_back(std::move(zone));
        return true;
      });
    };
    if (!Consume('{') || !Members(member)) return false;
    SkipSpace();
    return seen_features && p_ == end_;
  }

 private:
  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool Consume(char c) {
    SkipSpace();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  // The elements of an array whose '[' is consumed, each read by `element`.
  template <typename Element>
  bool Elements(Element element) {
    if (Consume(']')) return true;
    do {
      if (!element()) return false;
    } while (Consume(','));
    return Consume(']');
  }
  // The members of an object whose '{' is consumed, each value read by `member(name)`.
  template <typename Member>
  bool Members(Member member) {
    if (Consume('}')) return true;
    do {
      std::string_view name;
      if (!String(&name) || !Consume(':') || !member(name)) return false;
    } while (Consume(','));
    return Consume('}');
  }
  // Printable ASCII without escapes only.
  bool String(std::string_view* out) {
    if (!Consume('"')) return false;
    const char* begin = p_;
    while (p_ < end_ && *p_ != '"') {
      const auto c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_) return false;
    *out = std::string_view(begin, static_cast<size_t>(p_ - begin));
    ++p_;
    return true;
  }
  bool Number(double* out) {
    SkipSpace();
    const char* begin = p_;
    auto digits = [&] {
      const char* from = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      return p_ > from;
    };
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ < end_ && *p_ == '0') {
      ++p_;
    } else if (!digits()) {
      return false;
    }
    bool integer = true;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
      integer = false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
      integer = false;
    }
    const std::string_view text(begin, static_cast<size_t>(p_ - begin));
    if (std::optional<double> usual = ParseShortDecimal(text)) {
      *out = *usual;
    } else {
      auto [end, ec] = std::from_chars(begin, p_, *out);
      if (ec != std::errc() || end != p_) return false;
    }
    if (integer && *out == 0) *out = 0.0;  // nlohmann keeps "-0" as the integer 0
    return true;
  }
  bool SkipValue(int depth) {
    if (depth > 64) return false;
    SkipSpace();
    if (p_ == end_) return false;
    std::string_view ignored;
    double number;
    switch (*p_) {
      case '{':
        ++p_;
        return Members([&](std::string_view) { return SkipValue(depth + 1); });
      case '[':
        ++p_;
        return Elements([&] { return SkipValue(depth + 1); });
      case '"':
        return String(&ignored);
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number(&number);
    }
  }
  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return false;
    p_ += word.size();
    return true;
  }

  bool Feature(ZonePolygon* zone) {
    bool seen_properties = false, seen_geometry = false, seen_code = false, read_rings = false;
    std::string_view type, coordinates;
    auto properties = [&](std::string_view name) {
      if (name != "LSOA11CD") return SkipValue(0);
      std::string_view code;
      if (seen_code || !String(&code)) return false;
      zone->code = std::string(code);
      return seen_code = true;
    };
    auto geometry = [&](std::string_view name) {
      if (name == "type") return type.empty() && String(&type) && !type.empty();
      if (name != "coordinates") return SkipValue(0);
      if (read_rings || !coordinates.empty()) return false;
      if (type == "Polygon" || type == "MultiPolygon") return read_rings = Coordinates(type, zone);
      // The type comes later, if at all: read them once it is known.
      SkipSpace();
      const char* begin = p_;
      if (!SkipValue(0)) return false;
      coordinates = std::string_view(begin, static_cast<size_t>(p_ - begin));
      return true;
    };
    auto member = [&](std::string_view name) {
      if (name == "properties") {
        if (seen_properties || !Consume('{')) return false;
        return seen_properties = Members(properties);
      }
      if (name == "geometry") {
        if (seen_geometry || !Consume('{')) return false;
        return seen_geometry = Members(geometry);
      }
      return SkipValue(0);
    };
    if (!Consume('{') || !Members(member) || !seen_code) return false;
    if (read_rings) return true;
    return !coordinates.empty() && BoundaryScanner(coordinates).Coordinates(type, zone);
  }
  // A Polygon's or MultiPolygon's coordinates, as rings of the zone.
  bool Coordinates(std::string_view type, ZonePolygon* zone) {
    if (type == "Polygon") return Consume('[') && Rings(zone);
    if (type != "MultiPolygon" || !Consume('[')) return false;
    return Elements([&] { return Consume('[') && Rings(zone); });
  }
  // A polygon's rings, its '[' consumed.
  bool Rings(ZonePolygon* zone) {
    return Elements([&] {
      Ring ring;
      auto position = [&] {
        GeoPoint p;
        if (!Consume('[') || !Number(&p.longitude) || !Consume(',') || !Number(&p.latitude)) return false;
        while (Consume(',')) {
          if (!SkipValue(0)) return false;  // an altitude, say
        }
        ring.points.push_back(p);
        return Consume(']');
      };
      if (!Consume('[') || !Elements(position)) return false;
      zone->rings.push_back(std::move(ring));
      return true;
    });
  }

  const char* p_;
  const char* end_;
};

}  // namespace

bool ScanLsoaBoundaries(std::string_view geojson, std::vector<ZonePolygon>* zones) {
  zones->clear();
  if (BoundaryScanner(geojson).Read(zones)) return true;
  zones->clear();
  return false;
}

}  // namespace harmlens
