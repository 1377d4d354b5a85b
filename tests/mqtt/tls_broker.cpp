#include "mqtt/tls_broker.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace hems::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOpenssl = "/usr/bin/openssl";
constexpr const char* kBrokerBinary = "/usr/sbin/mosquitto";
constexpr const char* kPasswdBinary = "/usr/bin/mosquitto_passwd";
// Generous: these run on a loaded two-core machine.
constexpr milliseconds kToolTimeout{30000};
constexpr milliseconds kStartTimeout{15000};
constexpr milliseconds kStopGrace{5000};

[[noreturn]] void fail_errno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out)
    throw std::runtime_error("cannot write " + file.string());
}

fs::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr)
    fail_errno("mkdtemp");
  return pattern;
}

// Runs a tool to completion (bounded), its output appended to `log`; throws if it fails.
void run_tool(const std::vector<std::string>& argv, const fs::path& log) {
  ChildProcess child(argv, ChildProcess::Output::kToFile, log);
  std::string command;
  for (const std::string& arg : argv)
    command += (command.empty() ? "" : " ") + arg;
  if (!eventually([&] { return !child.running(); }, kToolTimeout))
    throw std::runtime_error("timed out: " + command);
  if (child.exit_code() != 0)
    throw std::runtime_error("failed: " + command + "\n" + read_text(log));
}

// Makes the certificates with the openssl CLI. P-256 keys: quick to make even under load.
class CertificateMaker {
 public:
  explicit CertificateMaker(fs::path dir) : dir_(std::move(dir)), log_(dir_ / "openssl.log") {}

  fs::path make_ca(const std::string& name) {
    const fs::path cert = dir_ / (name + ".crt");
    run_tool({kOpenssl,
              "req",
              "-x509",
              "-newkey",
              "ec",
              "-pkeyopt",
              "ec_paramgen_curve:prime256v1",
              "-nodes",
              "-keyout",
              key_path(name).string(),
              "-out",
              cert.string(),
              "-days",
              "2",
              "-subj",
              "/CN=hems test " + name,
              "-addext",
              "basicConstraints=critical,CA:TRUE",
              "-addext",
              "keyUsage=critical,keyCertSign,cRLSign"},
             log_);
    return cert;
  }

  // A key and a certificate for it signed by the CA `ca_name`, with these X.509v3 extensions.
  KeyPair make_signed(const std::string& name, const std::string& ca_name,
                      const std::string& extensions) {
    const fs::path request = dir_ / (name + ".csr");
    const fs::path extension_file = dir_ / (name + ".ext");
    KeyPair pair{dir_ / (name + ".crt"), key_path(name)};
    run_tool({kOpenssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes", "-keyout", pair.key.string(), "-out", request.string(), "-subj",
              "/CN=hems test " + name},
             log_);
    write_text(extension_file, extensions);
    run_tool({kOpenssl, "x509", "-req", "-in", request.string(), "-CA",
              (dir_ / (ca_name + ".crt")).string(), "-CAkey", key_path(ca_name).string(),
              "-set_serial", std::to_string(++serial_), "-days", "2", "-extfile",
              extension_file.string(), "-out", pair.cert.string()},
             log_);
    return pair;
  }

 private:
  fs::path key_path(const std::string& name) const { return dir_ / (name + ".key"); }

  fs::path dir_;
  fs::path log_;
  int serial_ = 1;
};

constexpr const char* kServerExtensions =
    "basicConstraints=CA:FALSE\n"
    "extendedKeyUsage=serverAuth\n"
    "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
constexpr const char* kOtherHostExtensions =
    "basicConstraints=CA:FALSE\n"
    "extendedKeyUsage=serverAuth\n"
    "subjectAltName=DNS:elsewhere.invalid\n";
constexpr const char* kClientExtensions =
    "basicConstraints=CA:FALSE\n"
    "extendedKeyUsage=clientAuth\n";

}  // namespace

// --- TestCertificates ------------------------------------------------------------------------

TestCertificates::TestCertificates() : dir_(make_temp_dir("hems-pki")) {
  CertificateMaker maker(dir_);
  ca_cert = maker.make_ca("ca");
  other_ca = maker.make_ca("other-ca");
  server = maker.make_signed("server", "ca", kServerExtensions);
  server_for_other_host = maker.make_signed("server-other-host", "ca", kOtherHostExtensions);
  client = maker.make_signed("client", "ca", kClientExtensions);
  client_from_other_ca = maker.make_signed("client-other-ca", "other-ca", kClientExtensions);
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

const TestCertificates& test_certificates() {
  static const TestCertificates certificates;
  return certificates;
}

// --- TlsMosquittoBroker ----------------------------------------------------------------------

TlsMosquittoBroker::TlsMosquittoBroker() : TlsMosquittoBroker(Options{}) {}

TlsMosquittoBroker::TlsMosquittoBroker(Options options)
    : dir_(make_temp_dir("hems-tls-broker")), port_(free_loopback_port()) {
  const TestCertificates& pki = test_certificates();
  const KeyPair server = options.server.value_or(pki.server);
  std::ostringstream config;
  config << "listener " << port_ << " 127.0.0.1\n"
         << "cafile " << pki.ca_cert.string() << "\n"
         << "certfile " << server.cert.string() << "\n"
         << "keyfile " << server.key.string() << "\n"
         << "require_certificate " << (options.require_certificate ? "true" : "false") << "\n"
         << "persistence false\n"
         // As root, mosquitto would switch to the "mosquitto" user, who cannot read our files.
         << "user " << current_user_name() << "\n"
         << "log_dest stderr\n";
  if (options.username.empty()) {
    config << "allow_anonymous true\n";
  } else {
    const fs::path password_file = dir_ / "passwords";
    run_tool(
        {kPasswdBinary, "-b", "-c", password_file.string(), options.username, options.password},
        dir_ / "mosquitto_passwd.log");
    config << "allow_anonymous false\n"
           << "password_file " << password_file.string() << "\n";
  }
  write_text(dir_ / "mosquitto.conf", config.str());

  start();
}

void TlsMosquittoBroker::start() {
  if (process_ && process_->running())
    return;
  process_.emplace(
      std::vector<std::string>{kBrokerBinary, "-c", (dir_ / "mosquitto.conf").string()},
      ChildProcess::Output::kToFile, dir_ / "broker.log");
  // mosquitto binds with SO_REUSEADDR, so a restart gets the same port at once.
  const bool up =
      eventually([this] { return !process_->running() || port_accepts(port_); }, kStartTimeout);
  if (!up || !process_->running()) {
    throw std::runtime_error("TLS mosquitto did not start on port " + std::to_string(port_) +
                             ":\n" + log());
  }
}

void TlsMosquittoBroker::stop() {
  if (!process_)
    return;
  process_->terminate(kStopGrace);
  process_.reset();
}

TlsMosquittoBroker::~TlsMosquittoBroker() {
  process_.reset();  // SIGKILL: nothing to keep
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string TlsMosquittoBroker::log() const {
  return read_text(dir_ / "broker.log");
}

int TlsMosquittoBroker::connections_accepted() const {
  std::istringstream lines(log());
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("New connection from") != std::string::npos)
      ++count;
  }
  return count;
}

}  // namespace hems::test
