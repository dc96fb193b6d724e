#pragma once
// Runs a real program for an integration test: fork/exec, read its stdout line by line, stop it.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace twikit::testing {

/// A child process started with its own process group; stdout is a pipe, stderr goes to `log_path`
/// (or is inherited when empty). The destructor sends SIGTERM, then SIGKILL after 5 s, and reaps it.
class ChildProcess {
 public:
  /// Starts `argv[0]` (looked up on PATH) with the given arguments and extra environment entries ("K=V").
  explicit ChildProcess(std::vector<std::string> argv, std::vector<std::string> env = {},
                        std::string log_path = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  /// Reads one line of the child's stdout, waiting at most `timeout` times kTimeoutScale; nullopt on timeout or EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  /// Sends `signal` to the child.
  void signal(int signal);
  /// Waits up to `timeout` for the child to exit; returns its exit code (128+signal when killed).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// Whether the child is still running.
  bool running();
  /// The child's pid.
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  std::optional<int> exit_code_;
};

#ifndef TWIKIT_TIMEOUT_SCALE
#define TWIKIT_TIMEOUT_SCALE 1
#endif
/// How much longer every wait of the support library lasts: more than 1 in sanitizer builds, whose
/// programs start and answer several times slower.
inline constexpr int kTimeoutScale = TWIKIT_TIMEOUT_SCALE;

/// Polls `condition` every 20 ms until it returns true or `timeout` (times kTimeoutScale) passes; returns
/// its last result.
template <typename F>
bool eventually(F&& condition, std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// The path of a project binary built into the build tree (e.g. "sim/twikit-sim").
std::string binary_path(const std::string& relative);

/// A fresh temporary directory for one test; removed by the caller when it likes.
std::string make_temp_dir(const std::string& prefix);

/// A directory (from make_temp_dir) removed when this goes, unless `keep` (set it to keep a failed run's files).
struct TempDir {
  std::string path;  ///< The directory.
  bool keep = true;  ///< Whether the directory outlives this.
  ~TempDir() {
    if (!keep) std::filesystem::remove_all(path);
  }
};

/// A TCP port on 127.0.0.1 that was free a moment ago (for programs that take a fixed listen address).
int free_port();

/// Writes `content` to `path`, replacing it.
void write_file(const std::string& path, const std::string& content);

/// Reads the whole file at `path`; throws when it cannot.
std::string read_file(const std::string& path);

/// A self-signed certificate for 127.0.0.1 (cert.pem, key.pem; the address also as a subjectAltName, so
/// that curl --cacert accepts it) made with openssl in a fresh directory, which is returned; throws when
/// openssl fails.
std::string make_self_signed_certificate();

}  // namespace twikit::testing

#include <thread>

template <typename F>
bool twikit::testing::eventually(F&& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout * kTimeoutScale;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}
