// A fast reader for the LSOA boundary file (a GeoJSON FeatureCollection of Polygon and
// MultiPolygon features with an LSOA11CD property): several times faster than building
// nlohmann's document of it, whose number parsing and allocations were half of a small
// ingest's start-up. The general reader in reference_geography.cc remains the authority.
#pragma once

#include <string_view>
#include <vector>

#include "geo/lsoa_index.h"

namespace harmlens {

// Reads every feature into `zones` (code, rings, bounds; file order) and returns true,
// or returns false with `zones` empty when the text is not of the usual shape: a JSON
// syntax error, a string with an escape or a non-ASCII byte, a repeated member, a value
// of an unexpected type, or a feature the general reader would refuse. The caller then
// reads the file with the general reader, which says what is wrong. Numbers convert as
// the general reader converts them (correctly rounded; an integer 0 is +0.0).
bool ScanLsoaBoundaries(std::string_view geojson, std::vector<ZonePolygon>* zones);

// Sets the zone's bounding box from its points; false if it has none.
bool SetZoneBounds(ZonePolygon* zone);

}  // namespace harmlens
