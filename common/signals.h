#pragma once
// Signals taken synchronously by the main thread: SIGTERM/SIGINT stop a program, SIGHUP reloads it.

#include <functional>
#include <string>

namespace twikit {

/// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread and ignores SIGPIPE; call it in main() before any
/// thread starts, so that every thread inherits the mask and only wait_for_stop_signal() sees them.
void block_signals();

/// Waits for SIGTERM or SIGINT and returns its name ("SIGTERM" or "SIGINT"); each SIGHUP meanwhile calls
/// `on_reload` (or is ignored when it is empty). Needs block_signals() first.
std::string wait_for_stop_signal(const std::function<void()>& on_reload = {});

}  // namespace twikit
