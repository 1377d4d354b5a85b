#pragma once

// How the meter's 30-minute history looks on MQTT. Pure, like the meter presenter.
//
//   <base>/<meter>/history             one record per message, not retained, in time order
//   <base>/<meter>/history/latest_day  the latest complete day as an array, retained
//
// A record: {"at":"2026-05-20T14:00:00+09:00","energy_import_kwh":6513.9,"energy_export_kwh":1.2};
// a value the meter does not have is left out, never 0.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hems/app/config.hpp"
#include "hems/meter/history_backfill.hpp"
#include "hems/meter/values.hpp"
#include "hems/mqtt/client.hpp"

namespace hems::app {

// The meter's time with Japan's offset: B-route meters keep Japan time, whatever the host's zone.
std::string meter_time_text(meter::MeterTime at);

nlohmann::json history_record_json(const meter::HistoryRecord& record,
                                   const meter::MeterIdentity& identity);
nlohmann::json history_records_json(const std::vector<meter::HistoryRecord>& records,
                                    const meter::MeterIdentity& identity);
std::vector<mqtt::Message> history_messages(const Config& config,
                                            const std::vector<meter::HistoryRecord>& records,
                                            const meter::MeterIdentity& identity);
mqtt::Message latest_day_message(const Config& config,
                                 const std::vector<meter::HistoryRecord>& records,
                                 const meter::MeterIdentity& identity);

}  // namespace hems::app
