#include "common/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace twikit {
namespace {

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double v = 0;
      in >> v;
      return v;
    }
  }
  return 0;
}

int open_fds() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr) ++n;
    closedir(d);
    n -= 3;  // ".", ".." and the directory handle itself
  }
  return n;
}

prometheus::MetricFamily gauge(const char* name, const char* help, double value,
                               prometheus::MetricType type = prometheus::MetricType::Gauge) {
  return single_value(name, help, type, value);
}

}  // namespace

double process_resident_bytes() {
  std::ifstream in("/proc/self/statm");
  double pages_total = 0;
  double pages_resident = 0;
  in >> pages_total >> pages_resident;
  return pages_resident * static_cast<double>(sysconf(_SC_PAGESIZE));
}

std::vector<prometheus::MetricFamily> process_metrics() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  // Fields after the parenthesised command name; see proc(5).
  std::istringstream fields(line.substr(line.rfind(')') + 2));
  std::string f;
  std::vector<std::string> v;
  while (fields >> f) v.push_back(f);
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double cpu = 0;
  double start = 0;
  double vsize = 0;
  if (v.size() > 20) {
    cpu = (std::stod(v[11]) + std::stod(v[12])) / ticks;  // utime + stime
    start = boot_time_seconds() + std::stod(v[19]) / ticks;
    vsize = std::stod(v[20]);
  }
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  return {
      gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", cpu,
            prometheus::MetricType::Counter),
      gauge("process_max_fds", "Maximum number of open file descriptors.", static_cast<double>(lim.rlim_cur)),
      gauge("process_open_fds", "Number of open file descriptors.", open_fds()),
      gauge("process_resident_memory_bytes", "Resident memory size in bytes.", process_resident_bytes()),
      gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", start),
      gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", vsize),
  };
}

}  // namespace twikit
