#pragma once

// A private mosquitto with a TLS listener, and the certificates it needs, made at test time with
// the openssl command-line tool: a test CA, a server certificate for 127.0.0.1 / localhost, a
// client certificate, and some deliberately wrong ones (an unrelated CA, a server certificate
// for another host name). Every wait is bounded.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "support/mosquitto.hpp"

namespace hems::test {

struct KeyPair {
  std::filesystem::path cert;
  std::filesystem::path key;
};

class TestCertificates {
 public:
  // Runs openssl; throws std::runtime_error with its output when a step fails.
  TestCertificates();
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::filesystem::path ca_cert;   // the CA that signed the keys below
  std::filesystem::path other_ca;  // a CA that signed nothing here
  KeyPair server;                  // SAN IP:127.0.0.1, DNS:localhost
  KeyPair server_for_other_host;   // signed by ca_cert, SAN DNS:elsewhere.invalid only
  KeyPair client;                  // signed by ca_cert, for client authentication
  KeyPair client_from_other_ca;    // signed by other_ca

 private:
  std::filesystem::path dir_;
};

// Made once per test process (making keys is the slow part under load).
const TestCertificates& test_certificates();

// A mosquitto listening with TLS on a free port of 127.0.0.1; started by the constructor.
class TlsMosquittoBroker {
 public:
  struct Options {
    // The server's own certificate; the default is test_certificates().server.
    std::optional<KeyPair> server;
    // Client certificates must be signed by test_certificates().ca_cert.
    bool require_certificate = false;
    // Non-empty: a password file with this one user, and anonymous clients are refused.
    std::string username;
    std::string password;
  };

  TlsMosquittoBroker();
  explicit TlsMosquittoBroker(Options options);
  ~TlsMosquittoBroker();
  TlsMosquittoBroker(const TlsMosquittoBroker&) = delete;
  TlsMosquittoBroker& operator=(const TlsMosquittoBroker&) = delete;

  // Starts again on the same port; returns once the port accepts connections. Throws
  // std::runtime_error (with the broker's log) if it does not come up in time.
  void start();
  // Stops the broker (SIGTERM) and waits for it to exit.
  void stop();

  std::uint16_t port() const { return port_; }
  std::string uri() const { return "mqtts://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;
  // How many TCP connections the broker has accepted so far (from its log).
  int connections_accepted() const;

 private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  std::optional<ChildProcess> process_;
};

}  // namespace hems::test
