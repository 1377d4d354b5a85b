// The controller's schedule: discovery rounds, per-node queues, sending, timeouts, retries and
// splitting, and the user requests. What answers do is in controller_receive.cpp.

#include "hems/lan/controller.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "controller_internal.hpp"
#include "self_node.hpp"

namespace hems::lan {
using namespace detail;
namespace esv = echonet::esv;

std::string to_string(PropertyOutcome outcome) {
  switch (outcome) {
    case PropertyOutcome::accepted:
      return "accepted";
    case PropertyOutcome::rejected:
      return "rejected";
    case PropertyOutcome::timeout:
      return "timeout";
  }
  return "timeout";
}

Controller::Controller(ControllerConfig config) : config_(std::move(config)) {
  config_.retries = std::max(config_.retries, 0);
  config_.jitter = std::clamp(config_.jitter, 0.0, 1.0);
  config_.failures_before_offline = std::max(config_.failures_before_offline, 1);
  config_.max_epcs_per_frame = std::max<std::size_t>(config_.max_epcs_per_frame, 1);
  config_.timeout = std::max(config_.timeout, Duration{1});
  config_.request_lifetime = std::max(config_.request_lifetime, config_.timeout * 2);
  config_.max_in_flight = std::max<std::size_t>(config_.max_in_flight, 1);
  config_.poll_interval = std::max(config_.poll_interval, Duration{1});
  config_.discovery_interval = std::max(config_.discovery_interval, Duration{1});
  config_.startup_spacing = std::max(config_.startup_spacing, Duration{1});
  rng_ = SplitMix64(config_.seed);
  retry_bounds_ = RetryBounds{config_.timeout, RetryBounds{}.floor,
                              std::max(RetryBounds{}.ceiling, config_.timeout)};
}

void Controller::start(TimePoint now) {
  startup_rounds_left_ = std::max(config_.startup_discoveries, 1);
  discovery_round(now);
  const Bytes notice = echonet::encode(self_instance_notice(next_tid()));
  if (config_.ipv4)
    send_multicast(kMulticastV4, notice);
  if (config_.ipv6)
    send_multicast(kMulticastV6, notice);
  pump(now);
}

void Controller::discovery_round(TimePoint now) {
  const std::uint16_t tid = next_tid();
  discovery_rounds_.emplace_back(tid, now);
  // Answers to older rounds still count for a while: slow nodes answer late.
  while (discovery_rounds_.size() > 8)
    discovery_rounds_.pop_front();
  static constexpr std::uint8_t kAsk[] = {kInstanceList, kIdentification, kManufacturer};
  const Bytes payload =
      echonet::encode(echonet::make_get(tid, echonet::kController, echonet::kNodeProfile, kAsk));
  if (config_.ipv4)
    send_multicast(kMulticastV4, payload);
  if (config_.ipv6)
    send_multicast(kMulticastV6, payload);
  for (const std::string& host : config_.hosts)
    actions_.push_back(SendDatagram{host, false, payload});
  log(LogLevel::debug, "discovery round, TID " + hex16(tid));
  if (startup_rounds_left_ > 0)
    --startup_rounds_left_;
  if (startup_rounds_left_ == 0 && !settle_at_)
    settle_at_ = now + config_.startup_spacing;  // the last startup round's answers come in
  next_discovery_ =
      now + (startup_rounds_left_ > 0 ? config_.startup_spacing : config_.discovery_interval);
}

std::optional<TimePoint> Controller::discovery_sent_at(std::uint16_t tid) const {
  for (const auto& [round_tid, sent_at] : discovery_rounds_) {
    if (round_tid == tid)
      return sent_at;
  }
  return std::nullopt;
}

void Controller::on_timer(TimePoint now) {
  if (next_discovery_ && *next_discovery_ <= now)
    discovery_round(now);
  for (auto& [address, node] : nodes_)
    expire(node, now);
  pump(now);
}

std::optional<TimePoint> Controller::next_deadline() const {
  std::optional<TimePoint> best = next_discovery_;
  auto consider = [&best](TimePoint t) {
    if (!best || t < *best)
      best = t;
  };
  if (settle_at_ && !settle_due_ && !settled_)
    consider(*settle_at_);
  for (const auto& [address, node] : nodes_) {
    for (const Request& request : node.in_flight)
      consider(request.deadline);
    if (node.identified) {
      for (const auto& [eoj, object] : node.objects)
        consider(object.next_due);
    }
  }
  return best;
}

std::vector<Action> Controller::take_actions() {
  return std::exchange(actions_, {});
}

// ---- user requests -------------------------------------------------------------------------

bool Controller::locate(const std::string& device_id, Node*& node, ObjectState*& object) {
  auto device = devices_.find(device_id);
  if (device == devices_.end())
    return false;
  auto found = nodes_.find(device->second.address);
  if (found == nodes_.end())
    return false;
  node = &found->second;
  object = object_for(*node, device->second.eoj);
  return object != nullptr && object->announced;
}

void Controller::reject_at_once(std::string request_id, std::string device_id,
                                std::vector<echonet::Property> props) {
  log(LogLevel::warning, "request " + request_id + ": no device '" + device_id + "'");
  RequestDone done{std::move(request_id), std::move(device_id), 0, {}};
  for (auto& prop : props)
    done.results.emplace_back(std::move(prop), PropertyOutcome::rejected);
  actions_.push_back(std::move(done));
}

void Controller::get(std::string request_id, const std::string& device_id,
                     std::vector<std::uint8_t> epcs, TimePoint now) {
  Node* node = nullptr;
  ObjectState* object = nullptr;
  if (!locate(device_id, node, object)) {
    std::vector<echonet::Property> props;
    for (std::uint8_t epc : epcs)
      props.push_back({epc, {}});
    reject_at_once(std::move(request_id), device_id, std::move(props));
    return;
  }
  if (epcs.empty())
    epcs = poll_epcs(*object);
  const std::uint64_t id = next_operation_++;
  Operation& op = operations_[id];
  op.request_id = std::move(request_id);
  op.device_id = device_id;
  op.pending = enqueue_gets(*node, Purpose::user_get, object->info.eoj, epcs, id, node->urgent);
  pump(now);
}

void Controller::set(std::string request_id, const std::string& device_id,
                     std::vector<echonet::Property> props, bool need_reply, TimePoint now) {
  Node* node = nullptr;
  ObjectState* object = nullptr;
  if (!locate(device_id, node, object)) {
    reject_at_once(std::move(request_id), device_id, std::move(props));
    return;
  }
  const std::uint64_t id = next_operation_++;
  Operation& op = operations_[id];
  op.request_id = std::move(request_id);
  op.device_id = device_id;
  for (std::size_t i = 0; i < props.size(); i += config_.max_epcs_per_frame) {
    const std::size_t end = std::min(props.size(), i + config_.max_epcs_per_frame);
    std::vector<echonet::Property> chunk(props.begin() + static_cast<std::ptrdiff_t>(i),
                                         props.begin() + static_cast<std::ptrdiff_t>(end));
    Request request;
    request.purpose = Purpose::user_set;
    request.frame =
        echonet::make_set_c(0, echonet::kController, object->info.eoj, std::move(chunk));
    if (!need_reply)
      request.frame.esv = esv::set_i;
    if (auto ok = echonet::check_encodable(request.frame); !ok) {
      log(LogLevel::warning, "request " + op.request_id + ": cannot send: " + ok.error().message);
      for (auto& prop : request.frame.properties)
        op.results.emplace_back(std::move(prop), PropertyOutcome::rejected);
      continue;
    }
    request.operation = id;
    node->urgent.push_back(std::move(request));
    ++op.pending;
  }
  if (op.pending == 0)
    finish_part(id, true);
  pump(now);
}

void Controller::raw(std::string request_id, const std::string& address, echonet::Frame frame,
                     TimePoint now) {
  if (auto ok = echonet::check_encodable(frame); !ok) {
    log(LogLevel::warning, "request " + request_id + ": cannot send: " + ok.error().message);
    reject_at_once(std::move(request_id), "", frame.properties);
    return;
  }
  Node& node = node_for(address);
  const std::uint64_t id = next_operation_++;
  Operation& op = operations_[id];
  op.request_id = std::move(request_id);
  op.raw = true;
  if (ObjectState* object = object_for(node, frame.deoj); object && object->announced)
    op.device_id = object->info.id;
  op.pending = 1;
  Request request;
  request.purpose = Purpose::raw;
  request.frame = std::move(frame);
  request.operation = id;
  node.urgent.push_back(std::move(request));
  pump(now);
}

void Controller::finish_part(std::uint64_t operation, bool force) {
  auto it = operations_.find(operation);
  if (it == operations_.end())
    return;
  if (!force && --it->second.pending > 0)
    return;
  Operation& op = it->second;
  actions_.push_back(RequestDone{std::move(op.request_id), std::move(op.device_id), op.esv,
                                 std::move(op.results)});
  operations_.erase(it);
}

// ---- queues ----------------------------------------------------------------------------------

std::vector<std::uint8_t> Controller::poll_epcs(const ObjectState& object) const {
  std::vector<std::uint8_t> epcs;
  for (std::uint8_t epc : object.info.get_map) {
    // The maps themselves do not change while the device runs.
    if (epc != kGetMap && epc != kSetMap && epc != kInfMap)
      epcs.push_back(epc);
  }
  if (epcs.empty())
    epcs.push_back(kOperatingStatus);  // every device object has it
  return epcs;
}

int Controller::enqueue_gets(Node& node, Purpose purpose, echonet::Eoj eoj,
                             const std::vector<std::uint8_t>& epcs,
                             std::optional<std::uint64_t> operation, std::deque<Request>& queue) {
  const std::size_t per_frame = node.single_epc ? 1 : config_.max_epcs_per_frame;
  int frames = 0;
  for (std::size_t i = 0; i < epcs.size(); i += per_frame) {
    const std::size_t end = std::min(epcs.size(), i + per_frame);
    Request request;
    request.purpose = purpose;
    request.frame =
        echonet::make_get(0, echonet::kController, eoj,
                          std::span<const std::uint8_t>(epcs.data() + i, epcs.data() + end));
    request.operation = operation;
    queue.push_back(std::move(request));
    ++frames;
  }
  return frames;
}

void Controller::schedule_object(Node& node, ObjectState& object, TimePoint now) {
  object.next_due = now + config_.poll_interval;
  if (object.outstanding > 0) {
    log(LogLevel::debug, object.info.id + ": previous poll still running, skipping this one");
    return;
  }
  if (!object.announced) {
    object.maps_answered = false;
    // The location comes with the maps so that the device's name can carry it from the start.
    static const std::vector<std::uint8_t> kMaps{kGetMap, kSetMap, kInfMap, kInstallationLocation};
    object.outstanding =
        enqueue_gets(node, Purpose::maps, object.info.eoj, kMaps, std::nullopt, node.interrogation);
    return;
  }
  object.poll_answered = false;
  object.poll_failed = false;
  object.round_started = now;
  object.round_retries = 0;
  object.outstanding = enqueue_gets(node, Purpose::poll, object.info.eoj, poll_epcs(object),
                                    std::nullopt, node.polls);
  object.round_frames = object.outstanding;
}

void Controller::poll_round_done(Node& node, ObjectState& object, TimePoint now) {
  object.outstanding = 0;
  log(LogLevel::debug,
      object.info.id + ": poll round of " + std::to_string(object.round_frames) + " frames " +
          (object.poll_answered ? "answered" : "unanswered") + " in " +
          std::to_string(std::chrono::duration_cast<Duration>(now - object.round_started).count()) +
          " ms, " + std::to_string(object.round_retries) + " retries");
  if (!object.poll_failed || object.poll_answered)
    return;
  ++object.failures;
  log(LogLevel::info,
      object.info.id + ": poll unanswered, " + std::to_string(object.failures) + " in a row");
  if (object.online && object.failures >= config_.failures_before_offline) {
    object.online = false;
    actions_.push_back(AvailabilityChanged{object.info.id, false});
    log(LogLevel::warning, object.info.id + " at " + node.address + " is offline");
  }
}

void Controller::pump(TimePoint now) {
  std::erase_if(nodes_, [](const auto& entry) { return entry.second.retired; });
  for (auto& [address, node] : nodes_) {
    if (node.identified) {
      for (auto& [eoj, object] : node.objects) {
        if (object.next_due <= now)
          schedule_object(node, object, now);
      }
    }
    fill(node, now);
  }
  check_settled(now);
}

// Gets go out side by side up to the node's window; a write waits until the node is idle and
// holds everything behind it until answered, so writes and reads keep the order they were asked.
void Controller::fill(Node& node, TimePoint now) {
  auto is_get = [](const Request& request) { return request.frame.esv == esv::get; };
  while (node.in_flight.size() < node.window) {
    if (!node.in_flight.empty() && !is_get(node.in_flight.front()))
      return;
    std::deque<Request>& queue = !node.urgent.empty()  ? node.urgent
                                 : !node.polls.empty() ? node.polls
                                                       : node.interrogation;
    if (queue.empty())
      return;
    if (!node.in_flight.empty() && !is_get(queue.front()))
      return;
    node.in_flight.push_back(std::move(queue.front()));
    queue.pop_front();
    send(node, node.in_flight.back(), now);
  }
}

bool Controller::interrogating() const {
  for (const auto& [address, node] : nodes_) {
    if (!node.discovered)
      continue;  // only a raw request's target
    if (!node.identified)
      return true;
    for (const auto& [eoj, object] : node.objects) {
      if (!object.announced)
        return true;
    }
  }
  return false;
}

void Controller::check_settled(TimePoint now) {
  if (settled_ || !settle_at_ || now < *settle_at_)
    return;
  settle_due_ = true;  // from here on every pump checks, so no timer is needed
  if (interrogating())
    return;
  settled_ = true;
  log(LogLevel::debug,
      "startup discovery settled: " + std::to_string(devices_.size()) + " devices");
  actions_.push_back(DiscoverySettled{});
}

void Controller::send(Node& node, Request& request, TimePoint now) {
  if (request.sends == 0) {
    request.frame.tid = next_tid();
    request.first_sent = now;
  }
  ++request.sends;
  request.last_sent = now;
  if (request.frame.esv == esv::set_i) {
    request.deadline = now + config_.timeout;  // only a refusal is answered
  } else {
    request.deadline = std::min(now + wait_for_try(node, request.sends),
                                request.first_sent + config_.request_lifetime);
  }
  actions_.push_back(SendDatagram{node.address, false, echonet::encode(request.frame)});
  if (request.sends > 1) {
    log(LogLevel::debug, node.address + ": retry " + std::to_string(request.sends - 1) +
                             " of TID " + hex16(request.frame.tid));
    if (request.purpose == Purpose::poll) {
      if (ObjectState* object = object_for(node, request.frame.deoj))
        ++object->round_retries;
    }
  }
}

Duration Controller::wait_for_try(const Node& node, int sends) {
  const int doublings = std::clamp(sends - 1, 0, 6);
  const double base = static_cast<double>(node.round_trip.first_wait(retry_bounds_).count()) *
                      std::pow(2.0, doublings);
  const double wait = base * (1.0 + config_.jitter * rng_.next_unit());
  return Duration(static_cast<Duration::rep>(std::llround(wait)));
}

bool Controller::gives_up(const Request& request, TimePoint now) const {
  return request.frame.esv == esv::set_i || request.sends > config_.retries ||
         now >= request.first_sent + config_.request_lifetime;
}

bool Controller::heard_since(const Node& node, TimePoint when) {
  return node.last_heard && *node.last_heard >= when;
}

// A multi-EPC Get unanswered is asked one EPC at a time only when the node is alive and so
// refusing it: it answered something else meanwhile, or it has never answered a Get of several
// EPCs (first contact). A node that used to answer them and now answers nothing is silent.
bool Controller::may_split(const Node& node, const Request& request) const {
  if (request.frame.esv != esv::get || request.frame.properties.size() < 2 ||
      request.purpose == Purpose::raw)
    return false;
  if (heard_since(node, request.first_sent))
    return true;
  return !node.multi_epc_answered && !node.split_futile;
}

void Controller::expire(Node& node, TimePoint now) {
  for (;;) {
    auto due = std::find_if(node.in_flight.begin(), node.in_flight.end(),
                            [now](const Request& request) { return request.deadline <= now; });
    if (due == node.in_flight.end())
      return;
    // Another request answered since this copy went out, yet not this one: more at once than
    // the node copes with. (A notification meanwhile says nothing about that.)
    if (due->frame.esv != esv::set_i && node.last_answer && *node.last_answer >= due->last_sent &&
        node.window > 1) {
      const std::uint16_t tid = due->frame.tid;
      narrow_window(node, tid);
      due = std::find_if(node.in_flight.begin(), node.in_flight.end(),
                         [tid](const Request& request) { return request.frame.tid == tid; });
    }
    if (!gives_up(*due, now)) {
      send(node, *due, now);
      continue;
    }
    Request done = std::move(*due);
    node.in_flight.erase(due);
    if (may_split(node, done))
      split(node, std::move(done));
    else
      fail(node, std::move(done), now);
  }
}

// Halves the window; what no longer fits goes back to the front of its queue (TID and sends kept,
// so it is resent as the same request), all but `keep_tid`, which its caller resends now.
void Controller::narrow_window(Node& node, std::uint16_t keep_tid) {
  node.window = std::max<std::size_t>(node.window / 2, 1);
  node.ceiling = node.window;
  node.answers_at_ceiling = 0;
  log(LogLevel::info, node.address + ": a request went unanswered while others were answered; " +
                          "at most " + std::to_string(node.window) + " at once");
  for (std::size_t i = node.in_flight.size(); i-- > 0 && node.in_flight.size() > node.window;) {
    if (node.in_flight[i].frame.tid == keep_tid)
      continue;
    Request back = std::move(node.in_flight[i]);
    node.in_flight.erase(node.in_flight.begin() + static_cast<std::ptrdiff_t>(i));
    queue_for(node, back.purpose).push_front(std::move(back));
  }
}

// One more at once for every answer, up to the ceiling (a slow node is slow at each request, not
// at several: asking it side by side saves its round trips).
void Controller::grow_window(Node& node) {
  if (node.window < node.ceiling) {
    ++node.window;
  } else if (node.ceiling < config_.max_in_flight &&
             ++node.answers_at_ceiling >= 4 * static_cast<int>(node.ceiling)) {
    ++node.ceiling;
    node.answers_at_ceiling = 0;
  }
}

void Controller::note_answer(Node& node, const Request& request, TimePoint now) {
  node.last_answer = now;
  if (request.sends == 1)
    node.round_trip.sample(std::chrono::duration_cast<Duration>(
        now - request.last_sent));  // unambiguous: one copy was sent
  grow_window(node);
  if (request.frame.esv == esv::get && request.frame.properties.size() > 1 &&
      !is_node_profile(request.frame.deoj))
    node.multi_epc_answered = true;
}

// Any datagram from a node with offline objects: it is back, so they are polled now rather than
// at their next turn (at most once a lifetime, so chatter cannot make it poll all the time).
void Controller::heard_from(Node& node, TimePoint now) {
  node.last_heard = now;
  for (auto& [eoj, object] : node.objects) {
    if (object.announced && !object.online && object.outstanding == 0 && object.next_due > now &&
        now >= object.round_started + config_.request_lifetime)
      object.next_due = now;
  }
}

void Controller::split(Node& node, Request request) {
  const std::uint64_t group = next_split_group_++;
  const auto count = static_cast<int>(request.frame.properties.size());
  split_groups_[group].pending = count;
  log(LogLevel::info, node.address + ": no answer to a Get of " + std::to_string(count) +
                          " EPCs from " + request.frame.deoj.to_string() +
                          "; asking one EPC at a time");
  std::deque<Request>& queue = queue_for(node, request.purpose);
  for (auto it = request.frame.properties.rbegin(); it != request.frame.properties.rend(); ++it) {
    Request part;
    part.purpose = request.purpose;
    part.frame = request.frame;
    part.frame.properties = {echonet::Property{it->epc, {}}};
    part.operation = request.operation;
    part.split_group = group;
    queue.push_front(std::move(part));
  }
  const int extra = count - 1;
  if (request.operation) {
    if (auto op = operations_.find(*request.operation); op != operations_.end())
      op->second.pending += extra;
  } else if (request.purpose == Purpose::identify) {
    node.identify_outstanding += extra;
  } else if (ObjectState* object = object_for(node, request.frame.deoj)) {
    object->outstanding += extra;
  }
}

std::deque<Controller::Request>& Controller::queue_for(Node& node, Purpose purpose) {
  switch (purpose) {
    case Purpose::identify:
    case Purpose::maps:
      return node.interrogation;
    case Purpose::probe:
      return node.urgent;
    case Purpose::poll:
      return node.polls;
    case Purpose::user_get:
    case Purpose::user_set:
    case Purpose::raw:
      break;
  }
  return node.urgent;
}

void Controller::leave_group(const Request& request, bool answered) {
  if (!request.split_group)
    return;
  auto it = split_groups_.find(*request.split_group);
  if (it == split_groups_.end())
    return;
  it->second.answered = it->second.answered || answered;
  if (--it->second.pending <= 0)
    split_groups_.erase(it);
}

void Controller::fail(Node& node, Request request, TimePoint now) {
  if (request.split_group) {
    auto group = split_groups_.find(*request.split_group);
    if (group != split_groups_.end() && !group->second.answered) {
      // Not even a single EPC came back: the node is silent, not picky. Give up on the rest of
      // the split instead of waiting out every part, and split no more until it answers.
      node.split_futile = true;
      const std::uint64_t id = *request.split_group;
      std::vector<Request> siblings;
      for (std::deque<Request>* queue : {&node.urgent, &node.polls, &node.interrogation}) {
        for (auto it = queue->begin(); it != queue->end();) {
          if (it->split_group == id) {
            siblings.push_back(std::move(*it));
            it = queue->erase(it);
          } else {
            ++it;
          }
        }
      }
      for (const Request& sibling : siblings) {
        leave_group(sibling, false);
        handle_failure(node, sibling, now);
      }
    }
  }
  const bool silent_poll =
      request.purpose == Purpose::poll && !heard_since(node, request.first_sent);
  leave_group(request, false);
  handle_failure(node, request, now);
  if (silent_poll)
    give_up_poll_round(node, now);
}

// A poll that got nothing back, not even an answer to something else: the node is silent, so
// the rest of its poll round fails now instead of after each frame's own retries, and its
// objects go offline at the end of this round.
void Controller::give_up_poll_round(Node& node, TimePoint now) {
  std::vector<Request> rest;
  auto take_polls = [&rest](auto& requests) {
    for (auto it = requests.begin(); it != requests.end();) {
      if (it->purpose == Purpose::poll) {
        rest.push_back(std::move(*it));
        it = requests.erase(it);
      } else {
        ++it;
      }
    }
  };
  take_polls(node.in_flight);
  take_polls(node.polls);
  if (rest.empty())
    return;
  log(LogLevel::debug, node.address + ": silent; the other " + std::to_string(rest.size()) +
                           " poll frames of this round are given up");
  for (const Request& request : rest) {
    leave_group(request, false);
    handle_failure(node, request, now);
  }
}

void Controller::handle_failure(Node& node, const Request& request, TimePoint now) {
  const std::string what = request.frame.deoj.to_string() + " " +
                           echonet::esv_name(request.frame.esv) + " TID " +
                           hex16(request.frame.tid);
  switch (request.purpose) {
    case Purpose::identify:
      log(LogLevel::warning, node.address + ": no answer to identification (" + what + ")");
      if (--node.identify_outstanding <= 0) {
        node.identify_outstanding = 0;
        advance_identity(node, now);
      }
      return;
    case Purpose::probe:
      probe_answered(node.address, false, now);
      return;
    case Purpose::maps:
      if (ObjectState* object = object_for(node, request.frame.deoj)) {
        log(LogLevel::warning,
            node.address + ": no answer to the property map request (" + what + ")");
        if (--object->outstanding <= 0)
          maps_round_done(node, *object, now);
      }
      return;
    case Purpose::poll:
      if (ObjectState* object = object_for(node, request.frame.deoj)) {
        log(LogLevel::debug, object->info.id + ": poll unanswered (" + what + ")");
        object->poll_failed = true;
        if (--object->outstanding <= 0)
          poll_round_done(node, *object, now);
      }
      return;
    case Purpose::user_get:
    case Purpose::user_set:
    case Purpose::raw: {
      if (!request.operation)
        return;
      auto op = operations_.find(*request.operation);
      if (op == operations_.end())
        return;
      // A SetI is answered only when it fails, so silence means it was taken.
      const bool silent_ok = request.frame.esv == esv::set_i;
      if (!silent_ok)
        log(LogLevel::warning,
            node.address + ": request " + op->second.request_id + " timed out (" + what + ")");
      for (const echonet::Property& prop : request.frame.properties) {
        echonet::Property reported = prop;
        if (request.purpose == Purpose::raw)
          reported.edt.clear();
        op->second.results.emplace_back(
            std::move(reported), silent_ok ? PropertyOutcome::accepted : PropertyOutcome::timeout);
      }
      finish_part(*request.operation);
      return;
    }
  }
}

// ---- small things ----------------------------------------------------------------------------

void Controller::log(LogLevel level, std::string text) {
  actions_.push_back(LanLog{level, std::move(text)});
}

std::uint16_t Controller::next_tid() {
  if (++tid_ == 0)
    ++tid_;  // TID 0 is what devices use for spontaneous notifications
  return tid_;
}

}  // namespace hems::lan
