#include "hems/app/link_config.hpp"

namespace hems::app {

wisun::SessionConfig session_config(const Config& config,
                                    std::optional<wisun::PanInfo> cached_pan) {
  wisun::SessionConfig s;
  s.route_b_id = config.meter.id;
  s.password = config.meter.password;
  s.dialect = wisun::dialect_from_config(config.meter.dialect);
  s.cached_pan = std::move(cached_pan);
  s.scan_durations = wisun::scan_ladder(config.meter.scan_duration_max);
  return s;
}

meter::ReaderConfig reader_config(const Config& config) {
  meter::ReaderConfig r;
  r.instant_interval = seconds(config.meter.instant_interval);
  r.energy_interval = seconds(config.meter.energy_interval);
  r.response_timeout = Duration(static_cast<std::int64_t>(config.meter.response_timeout * 1000.0));
  r.tries = config.meter.request_tries;
  r.read_history = true;
  return r;
}

lan::ControllerConfig controller_config(const Config& config, std::uint64_t seed) {
  lan::ControllerConfig c;
  c.timeout = Duration(static_cast<std::int64_t>(config.lan.timeout * 1000.0));
  c.poll_interval = seconds(config.lan.poll_interval);
  c.ipv6 = config.lan.ipv6;
  c.hosts = config.lan.hosts;
  c.names = config.lan.names;
  c.seed = seed;
  return c;
}

}  // namespace hems::app
