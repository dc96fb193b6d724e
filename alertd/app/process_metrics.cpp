#include "alertd/app/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace twikit::app {
namespace {

MetricFamily gauge(const char* name, const char* help, double value, MetricType type = MetricType::gauge) {
  return MetricFamily{name, help, type, {{{}, value, "", std::nullopt}}};
}

}  // namespace

void collect_process_metrics(std::vector<MetricFamily>& out) {
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15,
    // starttime 22, vsize 23, rss 24 (1-based, as in proc(5)).
    const auto close = line.rfind(')');
    std::istringstream fields(line.substr(close + 2));
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    if (f.size() > 21) {
      const double utime = std::stod(f[11]);
      const double stime = std::stod(f[12]);
      out.push_back(gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                          (utime + stime) / ticks, MetricType::counter));
      out.push_back(gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", std::stod(f[20])));
      out.push_back(gauge("process_resident_memory_bytes", "Resident memory size in bytes.", std::stod(f[21]) * page));
      std::ifstream boot("/proc/stat");
      std::string key;
      double btime = 0;
      while (boot >> key) {
        if (key == "btime") {
          boot >> btime;
          break;
        }
      }
      if (btime > 0) {
        out.push_back(gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                            btime + std::stod(f[19]) / ticks));
      }
    }
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec); !ec && it != std::filesystem::directory_iterator();
       it.increment(ec)) {
    ++fds;
  }
  if (!ec) out.push_back(gauge("process_open_fds", "Number of open file descriptors.", static_cast<double>(fds)));
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.push_back(gauge("process_max_fds", "Maximum number of open file descriptors.", static_cast<double>(limit.rlim_cur)));
  }
}

}  // namespace twikit::app
