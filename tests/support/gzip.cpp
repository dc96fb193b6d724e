#include "support/gzip.h"

#include <stdexcept>

#include <zlib.h>

namespace twikit::testing {

std::string gunzip(const std::string& gz) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + 15) != Z_OK) throw std::runtime_error("gunzip: inflateInit2 failed");
  std::string out;
  char chunk[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - zs.avail_out);
  }
  const uInt left = zs.avail_in;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gunzip: not a complete gzip stream (zlib " + std::to_string(rc) + ")");
  if (left != 0) throw std::runtime_error("gunzip: " + std::to_string(left) + " bytes after the gzip member");
  return out;
}

}  // namespace twikit::testing
