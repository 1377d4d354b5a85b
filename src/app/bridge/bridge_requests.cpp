#include "hems/app/bridge_requests.hpp"

#include <array>

#include "hems/app/requests.hpp"

namespace hems::app {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 5> kNames{"health_check", "info", "log_level", "echonet",
                                                 "history"};
constexpr std::array<Level, 5> kLevels{Level::error, Level::warning, Level::info, Level::debug,
                                       Level::trace};

std::string joined_names() {
  std::string out;
  for (auto name : kNames)
    out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string joined_levels() {
  std::string out;
  for (auto level : kLevels)
    out += (out.empty() ? "" : ", ") + std::string(level_name(level));
  return out;
}

// A topic level as it may appear in a log line: printable ASCII, at most 64 characters.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64))
    out += (c >= 0x20 && c < 0x7F) ? c : '?';
  if (text.size() > 64)
    out += "...";
  return out;
}

class Answer {
 public:
  Answer(const std::string& base_topic, std::string_view name) : name_(printable(name)) {
    outcome_.topic = base_topic + "/bridge/response/" + std::string(name);
  }

  BridgeRequestOutcome served(const json& transaction, bool ok, const json& data,
                              const std::string& error, const std::string& what) {
    outcome_.response = response_envelope(transaction, ok, data, error);
    outcome_.line_level = Level::debug;
    outcome_.log_line = "bridge request " + name_ + ": " + what;
    return std::move(outcome_);
  }

  BridgeRequestOutcome refused(const json& transaction, const std::string& why,
                               const json& data = json::object()) {
    outcome_.response = response_envelope(transaction, false, data, why);
    outcome_.line_level = Level::warning;
    outcome_.log_line = "bridge request " + name_ + " refused: " + why;
    return std::move(outcome_);
  }

  BridgeRequestOutcome& outcome() { return outcome_; }

 private:
  std::string name_;
  BridgeRequestOutcome outcome_;
};

// The keys other than "transaction" that are not in `allowed`, as an error; "" when none.
std::string unknown_key(const json& request, std::initializer_list<std::string_view> allowed) {
  for (const auto& item : request.items()) {
    if (item.key() == "transaction")
      continue;
    bool known = false;
    for (auto key : allowed)
      known |= item.key() == key;
    if (!known)
      return "unknown key: " + printable(item.key());
  }
  return {};
}

BridgeRequestOutcome answer_health(Answer& answer, const json& transaction,
                                   const BridgeFacts& facts) {
  const HealthReport report = health_report(facts.health);
  return answer.served(transaction, report.healthy, report.data,
                       report.healthy ? "" : "unhealthy: " + report.problems,
                       report.healthy ? "healthy" : "unhealthy (" + report.problems + ")");
}

BridgeRequestOutcome answer_info(Answer& answer, const json& transaction,
                                 const BridgeFacts& facts) {
  answer.outcome().republish_info = true;
  return answer.served(transaction, true, facts.info, "", "bridge/info published again");
}

BridgeRequestOutcome answer_log_level(Answer& answer, const json& request, const json& transaction,
                                      const BridgeFacts& facts) {
  if (!request.contains("level")) {
    // A question, not a change: {} tells the level in force.
    return answer.served(transaction, true, {{"level", level_name(facts.log_level)}}, "",
                         "the log level is " + std::string(level_name(facts.log_level)));
  }
  const json& wanted = request["level"];
  // Two early returns rather than an optional built by ?: , which GCC 12 at -Os takes for
  // maybe-uninitialized.
  if (!wanted.is_string())
    return answer.refused(transaction, "\"level\" must be one of " + joined_levels());
  const auto level = level_from_string(wanted.get<std::string>());
  if (!level) {
    return answer.refused(transaction, "\"level\" must be one of " + joined_levels());
  }
  BridgeRequestOutcome outcome =
      answer.served(transaction, true, {{"level", level_name(*level)}}, "",
                    "log level is now " + std::string(level_name(*level)) + " (was " +
                        std::string(level_name(facts.log_level)) + ")");
  outcome.new_log_level = *level;
  // A change of level is worth a line at info: it explains why the log looks different.
  outcome.line_level = Level::info;
  return outcome;
}

BridgeRequestOutcome answer_history(Answer& answer, const json& request, const json& transaction,
                                    const BridgeFacts& facts) {
  if (!facts.health.meter_enabled)
    return answer.refused(transaction, "the smart meter is off ([meter] enabled = false)");
  const auto it = request.find("date");
  const auto date = it != request.end() && it->is_string()
                        ? meter::parse_iso_date(it->get<std::string>())
                        : std::nullopt;
  if (!date) {
    return answer.refused(
        transaction, "\"date\" must be a day as \"YYYY-MM-DD\", e.g. {\"date\":\"2026-05-20\"}");
  }
  BridgeRequestOutcome& outcome = answer.outcome();
  outcome.topic.clear();  // answered when the meter has
  outcome.read_history = HistoryDayRequest{*date, transaction};
  outcome.log_line =
      "bridge request history: reading " + meter::to_iso_date(*date) + " from the meter's memory";
  return std::move(outcome);
}

}  // namespace

std::span<const std::string_view> bridge_request_names() {
  return kNames;
}

BridgeRequestOutcome answer_bridge_request(const std::string& base_topic, std::string_view name,
                                           std::string_view payload, const BridgeFacts& facts) {
  Answer answer(base_topic, name);
  if (payload.size() > kMaxRequestBytes) {
    return answer.refused(nullptr, "request too large (" + std::to_string(payload.size()) +
                                       " bytes, at most " + std::to_string(kMaxRequestBytes) + ")");
  }
  if (name == "echonet") {
    BridgeRequestOutcome& outcome = answer.outcome();
    outcome.topic.clear();
    outcome.forward_to_echonet = true;
    outcome.log_line = "bridge request echonet: handed to the raw ECHONET Lite handler";
    return std::move(outcome);
  }
  const json request =
      json::parse(payload.empty() ? std::string_view("{}") : payload, nullptr, false);
  if (request.is_discarded() || !request.is_object())
    return answer.refused(nullptr, "request must be a JSON object");
  const json transaction = request.contains("transaction") ? request["transaction"] : json();
  if (!transaction.is_null() && !transaction.is_string() && !transaction.is_number())
    return answer.refused(nullptr, "\"transaction\" must be a string or a number");

  if (name == "health_check" || name == "info") {
    if (auto why = unknown_key(request, {}); !why.empty())
      return answer.refused(transaction, why);
    return name == "info" ? answer_info(answer, transaction, facts)
                          : answer_health(answer, transaction, facts);
  }
  if (name == "log_level") {
    if (auto why = unknown_key(request, {"level"}); !why.empty())
      return answer.refused(transaction, why);
    return answer_log_level(answer, request, transaction, facts);
  }
  if (name == "history") {
    if (auto why = unknown_key(request, {"date"}); !why.empty())
      return answer.refused(transaction, why);
    return answer_history(answer, request, transaction, facts);
  }
  json known = json::array();
  for (auto known_name : kNames)
    known.push_back(known_name);
  return answer.refused(transaction,
                        "unknown request '" + printable(name) + "'; known: " + joined_names(),
                        {{"known_requests", known}});
}

}  // namespace hems::app
