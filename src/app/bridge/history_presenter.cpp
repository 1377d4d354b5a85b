#include "hems/app/history_presenter.hpp"

#include "hems/app/meter_presenter.hpp"

namespace hems::app {

std::string meter_time_text(meter::MeterTime at) {
  std::string text = meter::to_iso8601(at);
  text += "+09:00";
  return text;
}

nlohmann::json history_record_json(const meter::HistoryRecord& record,
                                   const meter::MeterIdentity& identity) {
  // Through the state's own formatter: the same rounding to what the meter's unit can express.
  meter::MeterValues values;
  values.energy_import_kwh = record.energy_import_kwh;
  values.energy_export_kwh = record.energy_export_kwh;
  nlohmann::json j = meter_values_json(values, identity);
  j["at"] = meter_time_text(record.at);
  return j;
}

nlohmann::json history_records_json(const std::vector<meter::HistoryRecord>& records,
                                    const meter::MeterIdentity& identity) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& record : records)
    out.push_back(history_record_json(record, identity));
  return out;
}

std::vector<mqtt::Message> history_messages(const Config& config,
                                            const std::vector<meter::HistoryRecord>& records,
                                            const meter::MeterIdentity& identity) {
  std::vector<mqtt::Message> out;
  const std::string topic = meter_topic(config, "history");
  for (const auto& record : records)
    out.push_back(mqtt::Message{topic, history_record_json(record, identity).dump(), 1, false});
  return out;
}

mqtt::Message latest_day_message(const Config& config,
                                 const std::vector<meter::HistoryRecord>& records,
                                 const meter::MeterIdentity& identity) {
  return mqtt::Message{meter_topic(config, "history/latest_day"),
                       history_records_json(records, identity).dump(), 1, true};
}

}  // namespace hems::app
