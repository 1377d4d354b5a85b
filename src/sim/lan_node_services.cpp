// The ECHONET Lite services of the simulated node: Get, SetC, SetI and INF_REQ.
#include <algorithm>

#include "hems/sim/lan_node.hpp"

namespace hems::sim {

std::optional<ElFrame> LanNode::serve(LanObject& target, const ElFrame& request,
                                      std::vector<std::uint8_t>& changed) {
  switch (request.esv) {
    case esv::kGet:
      return serve_get(target, request, esv::kGetRes, esv::kGetSna);
    case esv::kInfReq:
      // The notification answers the requester (unicast), like a Get_Res.
      return serve_get(target, request, esv::kInf, esv::kInfSna);
    case esv::kSetC:
      return serve_set(target, request, true, changed);
    case esv::kSetI:
      return serve_set(target, request, false, changed);
    default:
      return std::nullopt;
  }
}

// Readable EPCs carry their value; the rest come back with PDC 0 and turn the reply into the
// SNA. With --partial, every second EPC of a multi-EPC Get is left out that way.
std::optional<ElFrame> LanNode::serve_get(const LanObject& target, const ElFrame& request,
                                          std::uint8_t ok_esv, std::uint8_t sna_esv) const {
  ElFrame reply{request.tid, target.eoj(), request.seoj, ok_esv, {}};
  const bool leave_some_out =
      options_.partial && request.esv == esv::kGet && request.properties.size() > 1;
  bool failed = false;
  for (std::size_t i = 0; i < request.properties.size(); ++i) {
    const std::uint8_t epc = request.properties[i].epc;
    std::optional<Bytes> value = target.read(epc);
    if (leave_some_out && i % 2 == 1)
      value.reset();
    failed = failed || !value;
    reply.properties.push_back(ElProperty{epc, value.value_or(Bytes{})});
  }
  if (failed)
    reply.esv = sna_esv;
  return reply;
}

// Accepted properties come back with PDC 0; rejected ones carry the EDT that was sent and make
// the reply the SNA. SetI is answered only when something was rejected.
std::optional<ElFrame> LanNode::serve_set(LanObject& target, const ElFrame& request,
                                          bool reply_wanted, std::vector<std::uint8_t>& changed) {
  ElFrame reply{request.tid, target.eoj(), request.seoj, esv::kSetRes, {}};
  bool failed = false;
  for (const auto& p : request.properties) {
    const LanProperty* before = target.find(p.epc);
    const Bytes old = before ? before->value : Bytes{};
    if (target.write(p.epc, p.edt)) {
      reply.properties.push_back(ElProperty{p.epc, {}});
      if (old != p.edt && target.announces(p.epc) &&
          std::ranges::find(changed, p.epc) == changed.end()) {
        changed.push_back(p.epc);
      }
    } else {
      failed = true;
      reply.properties.push_back(p);
    }
  }
  if (!failed)
    return reply_wanted ? std::optional<ElFrame>(reply) : std::nullopt;
  reply.esv = reply_wanted ? esv::kSetCSna : esv::kSetISna;
  return reply;
}

}  // namespace hems::sim
