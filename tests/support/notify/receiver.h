#pragma once
// The notify tests' names for tests/support's HTTP receiver (records requests, answers scripted statuses).

#include "support/webhook_receiver.h"

namespace twikit::notify::testing {

/// tests/support's receiver under the name the notify tests use.
using TestReceiver = twikit::testing::WebhookReceiver;
/// One request it got.
using twikit::testing::ReceivedRequest;

}  // namespace twikit::notify::testing
