#pragma once
// A series' stable identity: a hash of its sorted labels, and the labels' compact stored form.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/labels.h"

namespace twikit::history {

/// A 64-bit FNV-1a hash over the sorted label names and values with separators: the same on every
/// platform and in every run, so it may be stored. Thread-safe (pure).
std::uint64_t series_hash(const Labels& labels);

/// The labels as bytes: for each label, LEB128 lengths and the bytes of its name and value.
std::vector<std::uint8_t> encode_labels(const Labels& labels);

/// The reverse of encode_labels; nullopt when the bytes are damaged.
std::optional<Labels> decode_labels(std::span<const std::uint8_t> bytes);

}  // namespace twikit::history
