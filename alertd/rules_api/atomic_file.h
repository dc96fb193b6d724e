#pragma once
// Durable file replacement: a reader (or a crash) sees the old file or the new one, never a part of either.

#include <optional>
#include <string>

namespace twikit::rules_api {

/// Replaces `path` with `text`: a temporary file in the same directory, fsynced, renamed over `path`, then
/// the directory fsynced. Creates missing parent directories. Throws std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& text);

/// Removes `path` (if present) and fsyncs its directory. Throws std::runtime_error on failure.
void remove_file_durably(const std::string& path);

/// The contents of `path`, or nullopt when it does not exist. Throws std::runtime_error when unreadable.
std::optional<std::string> read_file_if_exists(const std::string& path);

}  // namespace twikit::rules_api
