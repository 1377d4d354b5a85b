#pragma once

// Everything the bridge needs for Home Assistant discovery.

#include "hems/ha/bridge_discovery.hpp"
#include "hems/ha/language.hpp"
#include "hems/ha/manufacturer.hpp"
#include "hems/ha/meter_discovery.hpp"
#include "hems/ha/removals.hpp"
#include "hems/ha/types.hpp"
