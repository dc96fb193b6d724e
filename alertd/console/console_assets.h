#pragma once
// The web console's files (alertd/console/assets/), embedded into the binary at build time by
// embed_assets.cmake.

#include <cstddef>
#include <span>

namespace twikit::console {

/// One embedded file: its path under assets/ ("js/app.js"), its bytes and its quoted ETag.
struct EmbeddedAsset {
  const char* path;
  const unsigned char* data;
  std::size_t size;
  const char* etag;
};

/// Every embedded file, sorted by path. The data lives for the whole program.
std::span<const EmbeddedAsset> embedded_assets();

}  // namespace twikit::console
