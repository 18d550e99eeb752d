#include "spatial/map_output.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace harmlens {

namespace {

void AppendJsonString(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

void AppendNumber(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  out += buf;
}

Status AppendPosition(std::string& out, const BritishGrid& grid, GridPoint p) {
  HL_ASSIGN_OR_RETURN(GeoPoint g, grid.ToGeo(p));
  char buf[64];
  std::snprintf(buf, sizeof buf, "[%.7f,%.7f]", g.longitude, g.latitude);
  out += buf;
  return Status::Ok();
}

double SignedArea(const GridRing& ring) {
  double a = 0;
  for (size_t i = 0; i + 1 < ring.size(); ++i) a += ring[i].x * ring[i + 1].y - ring[i + 1].x * ring[i].y;
  return a / 2;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

}  // namespace

Result<std::string> GeoJson(const std::vector<MapFeature>& features, const BritishGrid& grid) {
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
  for (size_t f = 0; f < features.size(); ++f) {
    const MapFeature& feature = features[f];
    out += f ? ",\n" : "\n";
    out += "{\"type\":\"Feature\",\"properties\":{";
    bool first = true;
    for (const auto& [key, value] : feature.text) {
      if (!first) out += ',';
      first = false;
      AppendJsonString(out, key);
      out += ':';
      AppendJsonString(out, value);
    }
    for (const auto& [key, value] : feature.numeric) {
      if (!first) out += ',';
      first = false;
      AppendJsonString(out, key);
      out += ':';
      AppendNumber(out, value);
    }
    out += "},\"geometry\":";
    if (feature.rings.empty()) {
      out += "{\"type\":\"Point\",\"coordinates\":";
      HL_RETURN_IF_ERROR(AppendPosition(out, grid, feature.point));
      out += "}}";
      continue;
    }
    out += "{\"type\":\"Polygon\",\"coordinates\":[";
    for (size_t r = 0; r < feature.rings.size(); ++r) {
      GridRing ring = feature.rings[r];
      if (ring.empty()) continue;
      if (!(ring.front() == ring.back())) ring.push_back(ring.front());
      // RFC 7946 §3.1.6: exterior rings anticlockwise, holes clockwise.
      bool anticlockwise = SignedArea(ring) > 0;
      if (anticlockwise != (r == 0)) std::reverse(ring.begin(), ring.end());
      out += r ? ",[" : "[";
      for (size_t i = 0; i < ring.size(); ++i) {
        if (i) out += ',';
        HL_RETURN_IF_ERROR(AppendPosition(out, grid, ring[i]));
      }
      out += ']';
    }
    out += "]}}";
  }
  out += "\n]}\n";
  return out;
}

GridRing CellSquare(const GridFrame& frame, int col, int row) {
  const double x = frame.x0 + col * frame.cell, y = frame.y0 + row * frame.cell, side = frame.cell;
  return {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}, {x, y}};
}

Result<std::string> SurfaceGeoJson(const Surface& s, const BritishGrid& grid, const std::string& value_name) {
  std::vector<MapFeature> features;
  const GridFrame& f = s.frame;
  for (int r = 0; r < f.rows; ++r) {
    for (int c = 0; c < f.cols; ++c) {
      double v = s.At(c, r);
      if (!(v > 0)) continue;
      MapFeature m;
      m.rings = {CellSquare(f, c, r)};
      GridPoint centre = f.Centre(c, r);
      m.numeric = {{"x", centre.x}, {"y", centre.y}, {value_name, v}};
      features.push_back(std::move(m));
    }
  }
  return GeoJson(features, grid);
}

const char* FdrClassColour(int fdr_class) {
  switch (fdr_class) {
    case 3:
      return "#b2182b";
    case 2:
      return "#ef8a62";
    case 1:
      return "#fddbc7";
    case -1:
      return "#d1e5f0";
    case -2:
      return "#67a9cf";
    case -3:
      return "#2166ac";
    default:
      return "#ffffff";
  }
}

std::string SvgMap(const Surface* surface, const std::vector<SvgShape>& shapes,
                   const std::vector<GridRing>& boundaries, const std::string& title,
                   std::vector<std::pair<std::string, std::string>> legend) {
  double min_x = std::numeric_limits<double>::max(), min_y = min_x;
  double max_x = std::numeric_limits<double>::lowest(), max_y = max_x;
  auto extend = [&](GridPoint p) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  };
  for (const GridRing& r : boundaries) std::for_each(r.begin(), r.end(), extend);
  for (const SvgShape& s : shapes) {
    for (const GridRing& r : s.rings) std::for_each(r.begin(), r.end(), extend);
  }
  if (surface && surface->frame.size() > 0) {
    const GridFrame& f = surface->frame;
    extend({f.x0, f.y0});
    extend({f.x0 + f.cols * f.cell, f.y0 + f.rows * f.cell});
  }
  if (min_x > max_x) min_x = max_x = min_y = max_y = 0;
  const double width_px = 900, margin = 10, header = 30, legend_w = 170;
  const double scale = (width_px - 2 * margin - legend_w) / std::max(1.0, max_x - min_x);
  const double height_px = (max_y - min_y) * scale + 2 * margin + header;
  auto px = [&](GridPoint p) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f,%.1f", margin + (p.x - min_x) * scale,
                  header + margin + (max_y - p.y) * scale);
    return std::string(buf);
  };
  std::string out;
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n",
      width_px, height_px, width_px, height_px);
  out += buf;
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out +=
      "<text x=\"10\" y=\"20\" font-family=\"sans-serif\" font-size=\"14\">" + XmlEscape(title) + "</text>\n";
  if (surface) {
    static const char* kRamp[7] = {"#ffffb2", "#fed976", "#feb24c", "#fd8d3c",
                                   "#fc4e2a", "#e31a1c", "#b10026"};
    std::vector<double> positive;
    for (double v : surface->values) {
      if (v > 0) positive.push_back(v);
    }
    std::sort(positive.begin(), positive.end());
    double breaks[7];
    for (int k = 0; k < 7; ++k) {
      breaks[k] =
          positive.empty() ? 0 : positive[std::min(positive.size() - 1, positive.size() * (k + 1) / 7)];
    }
    const GridFrame& f = surface->frame;
    out += "<g stroke=\"none\">\n";
    const double cell_px = f.cell * scale;
    for (int r = 0; r < f.rows; ++r) {
      for (int c = 0; c < f.cols; ++c) {
        double v = surface->At(c, r);
        if (!(v > 0)) continue;
        int k = 0;
        while (k < 6 && v > breaks[k]) ++k;
        GridPoint top_left{f.x0 + c * f.cell, f.y0 + (r + 1) * f.cell};
        std::snprintf(buf, sizeof buf,
                      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n",
                      margin + (top_left.x - min_x) * scale, header + margin + (max_y - top_left.y) * scale,
                      cell_px + 0.05, cell_px + 0.05, kRamp[k]);
        out += buf;
      }
    }
    out += "</g>\n";
    if (legend.empty() && !positive.empty()) {
      for (int k = 0; k < 7; ++k) {
        std::snprintf(buf, sizeof buf, "up to %.3g", breaks[k]);
        legend.push_back({buf, kRamp[k]});
      }
    }
  }
  auto path_of = [&](const std::vector<GridRing>& rings) {
    std::string d;
    for (const GridRing& ring : rings) {
      for (size_t i = 0; i < ring.size(); ++i) d += (i ? "L" : "M") + px(ring[i]);
      d += "Z";
    }
    return d;
  };
  for (const SvgShape& s : shapes) {
    out += "<path fill=\"" + s.fill + "\" fill-rule=\"evenodd\" stroke=\"none\" d=\"" + path_of(s.rings) +
           "\"/>\n";
  }
  if (!boundaries.empty()) {
    out +=
        "<path fill=\"none\" stroke=\"#555555\" stroke-width=\"0.4\" d=\"" + path_of(boundaries) + "\"/>\n";
  }
  double ly = header + margin + 10;
  const double lx = width_px - legend_w + 5;
  for (const auto& [label, colour] : legend) {
    std::snprintf(buf, sizeof buf,
                  "<rect x=\"%.0f\" y=\"%.0f\" width=\"14\" height=\"14\" fill=\"%s\" stroke=\"#555555\" "
                  "stroke-width=\"0.4\"/><text x=\"%.0f\" y=\"%.0f\" font-family=\"sans-serif\" "
                  "font-size=\"11\">",
                  lx, ly, colour.c_str(), lx + 20, ly + 11);
    out += buf;
    out += XmlEscape(label) + "</text>\n";
    ly += 18;
  }
  out += "</svg>\n";
  return out;
}

}  // namespace harmlens
