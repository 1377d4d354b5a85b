#pragma once

// The serial transport to an in-process simulated dongle and meter (hems::sim::Simulator, the
// project's second implementation of the B-route side), on the manual-time loop. The test can
// unplug it (open fails, reads fail) like a USB dongle pulled out; the simulator's own unplug
// fault ("fault unplug N") does the same for its window, with the dongle reset. A test can watch
// every byte the bridge actually read.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "hems/io/transport.hpp"
#include "hems/sim/simulator.hpp"
#include "manual_loop.hpp"

namespace hems::test {

class SimSerial final : public io::Transport {
 public:
  static constexpr int kFd = 1001;  // never a real fd: only the manual loop sees it

  SimSerial(ManualLoop& loop, const sim::SimOptions& options)
      : loop_(loop), sim_(std::make_shared<sim::Simulator>(options, loop.now())) {
    auto sim = sim_;
    auto* self = this;
    loop_.add_source(
        kFd, ManualLoop::Source{
                 [self](TimePoint now) { self->pull(now); },
                 [self] { return self->open_ && (self->unplugged_ || !self->pending_.empty()); },
                 [sim] { return sim->next_wakeup(); },
             });
  }
  ~SimSerial() override { loop_.remove_source(kFd); }

  sim::Simulator& sim() { return *sim_; }
  std::shared_ptr<sim::Simulator> shared_sim() { return sim_; }
  void set_unplugged(bool unplugged) { unplugged_ = unplugged; }
  // A dongle at the wrong speed: every write is answered with bytes that make no SKSTACK, and
  // nothing reaches the simulator.
  void set_garbled(bool garbled) { garbled_ = garbled; }
  int opens() const { return opens_; }
  // Bytes the dongle writes besides the simulator's, read with whatever is pending.
  void inject(std::string_view bytes) {
    pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  }
  // Sees every byte the bridge reads, in order; `reopened` is called when the port is opened
  // again (what was read before and not finished is gone).
  void watch_reads(std::function<void(ByteView)> read, std::function<void()> reopened) {
    on_read_ = std::move(read);
    on_reopen_ = std::move(reopened);
  }

  Result<void> open() override {
    if (unplugged_)
      return std::unexpected(Error{"no such device (unplugged)"});
    open_ = true;
    ++opens_;
    pending_.clear();
    sim_->client_attached(loop_.now());
    if (on_reopen_)
      on_reopen_();
    return {};
  }
  void close() override { open_ = false; }
  bool is_open() const override { return open_; }
  int poll_fd() const override { return kFd; }
  Result<Bytes> read_available() override {
    if (unplugged_)
      return std::unexpected(Error{"device disconnected"});
    pull(loop_.now());
    Bytes out;
    out.swap(pending_);
    if (on_read_ && !out.empty())
      on_read_(out);
    return out;
  }
  Result<void> write_all(ByteView bytes) override {
    if (unplugged_)
      return std::unexpected(Error{"device disconnected"});
    if (garbled_) {
      for (std::size_t i = 0; i < bytes.size() * 2; ++i) {
        noise_ = noise_ * 1103515245u + 12345u;
        pending_.push_back(static_cast<std::uint8_t>(noise_ >> 16));
      }
      return {};
    }
    sim_->receive(bytes, loop_.now());
    return {};
  }
  std::string description() const override { return "the simulated dongle"; }

 private:
  void pull(TimePoint now) {
    Bytes out = sim_->take_output(now);
    for (auto action : sim_->take_transport_actions())
      unplugged_ = action == sim::TransportAction::unplug;
    if (open_ && !garbled_)
      pending_.insert(pending_.end(), out.begin(), out.end());
  }

  ManualLoop& loop_;
  std::shared_ptr<sim::Simulator> sim_;
  Bytes pending_;
  bool open_ = false;
  bool unplugged_ = false;
  bool garbled_ = false;
  std::uint32_t noise_ = 1;
  int opens_ = 0;
  std::function<void(ByteView)> on_read_;
  std::function<void()> on_reopen_;
};

}  // namespace hems::test
