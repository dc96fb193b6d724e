// The live hub without a network: sequence numbers, the replay buffer's bounds, resume and reset, slow
// clients, and client message errors. Connections are in-memory channels that record what they are sent.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alertd/live/event_buffer.h"
#include "alertd/live/live_hub.h"
#include "alertd/live/live_protocol.h"

using namespace twikit;
using namespace twikit::live;
using nlohmann::json;

namespace {

// A connection's server side that keeps every message it is sent, up to `capacity` (then it overflows).
class RecordingChannel final : public WebSocketChannel {
 public:
  explicit RecordingChannel(std::size_t capacity = 1'000'000) : capacity_(capacity) {}
  WebSocketSend send_text(std::shared_ptr<const std::string> message) override {
    if (closed_) return WebSocketSend::closed;
    if (sent.size() >= capacity_) {
      closed_ = true;
      close_code = websocket_close::policy_violation;
      return WebSocketSend::overflow;
    }
    sent.push_back(*message);
    return WebSocketSend::queued;
  }
  void close(int code, std::string) override {
    closed_ = true;
    close_code = code;
  }
  std::vector<std::string> sent;
  int close_code = 0;

 private:
  std::size_t capacity_;
  bool closed_ = false;
};

// A client of the hub: its endpoint, opened on a recording channel.
struct TestClient {
  TestClient(LiveHub& hub, std::uint64_t id, LiveSubscription initial = {}, std::size_t capacity = 1'000'000)
      : channel(std::make_shared<RecordingChannel>(capacity)),
        connection(channel, id, "127.0.0.1:1"),
        endpoint(hub.open_client(initial)) {
    REQUIRE(endpoint);
    endpoint->on_open(connection);
  }
  ~TestClient() {
    if (endpoint) endpoint->on_close(connection, 1000);
  }
  void say(const std::string& text) { endpoint->on_text(connection, text); }
  // Each message sent so far, parsed, and forgotten.
  std::vector<json> take() {
    std::vector<json> out;
    for (const auto& s : channel->sent) out.push_back(json::parse(s));
    channel->sent.clear();
    return out;
  }
  std::shared_ptr<RecordingChannel> channel;
  WebSocketConnection connection;
  std::shared_ptr<WebSocketEndpoint> endpoint;
};

std::vector<std::uint64_t> event_seqs(const std::vector<json>& messages) {
  std::vector<std::uint64_t> out;
  for (const auto& m : messages) {
    if (m["type"] == "event") out.push_back(m["seq"].get<std::uint64_t>());
  }
  return out;
}

std::vector<std::string> types(const std::vector<json>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) out.push_back(m["type"].get<std::string>());
  return out;
}

LiveOptions small_options() {
  LiveOptions o;
  o.buffer_messages = 5;
  return o;
}

}  // namespace

TEST_CASE("publish numbers messages with one global increasing sequence across topics", "[live]") {
  FakeClock clock(1'700'000'000'000);
  LiveHub hub(LiveOptions{}, clock);
  CHECK(hub.publish(LiveTopic::alerts, {{"a", 1}}) == 1);
  CHECK(hub.publish(LiveTopic::health, {{"h", 1}}) == 2);
  CHECK(hub.publish(LiveTopic::alerts, {{"a", 2}}) == 3);
  CHECK(hub.stats().last_seq == 3);
  CHECK(hub.stats().published == std::array<std::uint64_t, 3>{0, 2, 1});
}

TEST_CASE("a subscribed client receives events of its topics only, exactly as written", "[live]") {
  FakeClock clock(1'700'000'000'000);
  LiveHub hub(LiveOptions{}, clock);
  TestClient client(hub, 1);
  client.say(R"({"type":"subscribe","topics":["alerts"]})");
  CHECK(client.channel->sent == std::vector<std::string>{R"({"type":"subscribed","topics":["alerts"],"seq":0})"});
  client.take();
  hub.publish(LiveTopic::health, {{"status", "degraded"}});
  hub.publish(LiveTopic::alerts, {{"alertname", "Down"}, {"state", "firing"}});
  CHECK(client.channel->sent == std::vector<std::string>{
                                    R"({"type":"event","topic":"alerts","seq":2,"time":"2023-11-14T22:13:20Z","data":{"alertname":"Down","state":"firing"}})"});
}

TEST_CASE("the buffer keeps the newest messages within its count and byte bounds", "[live]") {
  EventBuffer buffer(3, 100);
  auto text = [](std::size_t n) { return std::make_shared<const std::string>(std::string(n, 'x')); };
  for (std::uint64_t seq = 1; seq <= 5; ++seq) buffer.push({seq, LiveTopic::alerts, text(10)});
  CHECK(buffer.size() == 3);
  CHECK(buffer.bytes() == 30);
  CHECK(buffer.dropped_through() == 2);
  CHECK(buffer.covers_after(2));
  CHECK_FALSE(buffer.covers_after(1));
  std::vector<std::uint64_t> seqs;
  for (const auto& m : buffer.after(3)) seqs.push_back(m.seq);
  CHECK(seqs == std::vector<std::uint64_t>{4, 5});
  buffer.push({6, LiveTopic::alerts, text(95)});  // 10 + 10 + 95 > 100, and 10 + 95 too: two dropped
  CHECK(buffer.size() == 1);
  CHECK(buffer.bytes() == 95);
  CHECK(buffer.dropped_through() == 5);
  buffer.push({7, LiveTopic::alerts, text(500)});  // larger than the bound alone: kept, the rest dropped
  CHECK(buffer.size() == 1);
  CHECK(buffer.dropped_through() == 6);
}

TEST_CASE("a client resuming with since gets every buffered message of its topics after it, then live", "[live]") {
  FakeClock clock(0);
  LiveHub hub(LiveOptions{}, clock);
  for (int i = 0; i < 6; ++i) hub.publish(i % 2 == 0 ? LiveTopic::alerts : LiveTopic::health, {{"i", i}});
  TestClient client(hub, 1);
  client.say(R"({"type":"subscribe","topics":["alerts"],"since":2})");
  const auto got = client.take();
  CHECK(event_seqs(got) == std::vector<std::uint64_t>{3, 5});
  CHECK(types(got).back() == "subscribed");
  CHECK(got.back()["seq"] == 6);
  hub.publish(LiveTopic::alerts, {{"i", 6}});
  CHECK(event_seqs(client.take()) == std::vector<std::uint64_t>{7});
  CHECK(hub.stats().resumes_replayed == 1);
}

TEST_CASE("a client resuming from before the buffer gets a reset, the snapshot, then newer buffered events", "[live]") {
  FakeClock clock(1'700'000'000'000);
  LiveHub hub(small_options(), clock);
  for (int i = 0; i < 8; ++i) hub.publish(LiveTopic::alerts, {{"i", i}});  // buffer holds 4..8
  hub.set_snapshot(LiveTopic::alerts, {{"active", 3}});                   // as of seq 8
  hub.publish(LiveTopic::alerts, {{"i", 8}});                              // seq 9
  TestClient client(hub, 1);
  client.say(R"({"type":"subscribe","topics":["alerts"],"since":1})");
  const auto got = client.take();
  CHECK(types(got) == std::vector<std::string>{"reset", "snapshot", "event", "subscribed"});
  CHECK(got[1] == json::parse(R"({"type":"snapshot","topic":"alerts","seq":8,"time":"2023-11-14T22:13:20Z","data":{"active":3}})"));
  CHECK(got[2]["seq"] == 9);
  CHECK(hub.stats().resumes_reset == 1);
}

TEST_CASE("a since from a previous run (beyond the last sequence) is a reset", "[live]") {
  FakeClock clock(0);
  LiveHub hub(LiveOptions{}, clock);
  hub.publish(LiveTopic::alerts, {{"i", 0}});
  TestClient client(hub, 1);
  client.say(R"({"type":"subscribe","topics":["alerts"],"since":500})");
  const auto got = client.take();
  CHECK(types(got) == std::vector<std::string>{"reset", "event", "subscribed"});
  CHECK(event_seqs(got) == std::vector<std::uint64_t>{1});
}

TEST_CASE("subscribing to dashboard without since sends its latest snapshot first", "[live]") {
  FakeClock clock(0);
  LiveHub hub(LiveOptions{}, clock);
  hub.set_snapshot(LiveTopic::dashboard, {{"status", "healthy"}});
  TestClient client(hub, 1, LiveSubscription{{true, false, false}, std::nullopt});  // ?topics=dashboard
  const auto got = client.take();
  CHECK(types(got) == std::vector<std::string>{"snapshot", "subscribed"});
  CHECK(got[0]["data"] == json{{"status", "healthy"}});
}

TEST_CASE("bad client messages get an error and the client stays subscribed", "[live]") {
  FakeClock clock(0);
  LiveOptions options;
  options.max_client_message_bytes = 64;
  LiveHub hub(options, clock);
  TestClient client(hub, 1, LiveSubscription{{false, true, false}, std::nullopt});
  client.take();
  client.say("{not json");
  client.say(R"({"type":"subscribe","topics":["weather"]})");
  client.say(R"({"type":"dance"})");
  client.say(R"({"type":"subscribe","topics":["alerts"],"since":-1})");
  client.say(std::string(65, ' '));
  client.say("[]");
  const auto got = client.take();
  REQUIRE(got.size() == 6);
  CHECK(got[0]["error"] == "invalid JSON");
  CHECK(got[1]["error"] == "unknown topic \"weather\" (dashboard, alerts or health)");
  CHECK(got[2]["error"] == "unknown message type \"dance\" (subscribe, unsubscribe or ping)");
  CHECK(got[3]["error"] == "\"since\" must be a sequence number (an integer >= 0)");
  CHECK(got[4]["error"] == "message too large: 65 bytes, at most 64");
  CHECK(got[5]["error"] == "a message is a JSON object");
  CHECK(hub.stats().client_errors == 6);
  hub.publish(LiveTopic::alerts, {{"still", true}});
  CHECK(event_seqs(client.take()) == std::vector<std::uint64_t>{1});
  client.say(R"({"type":"ping"})");
  CHECK(client.channel->sent == std::vector<std::string>{R"({"type":"pong","seq":1})"});
}

TEST_CASE("unsubscribe stops a topic's events", "[live]") {
  FakeClock clock(0);
  LiveHub hub(LiveOptions{}, clock);
  TestClient client(hub, 1, LiveSubscription{{false, true, true}, std::nullopt});
  client.say(R"({"type":"unsubscribe","topics":["alerts"]})");
  CHECK(client.take().back() == json::parse(R"({"type":"subscribed","topics":["health"],"seq":0})"));
  hub.publish(LiveTopic::alerts, {{"i", 0}});
  hub.publish(LiveTopic::health, {{"i", 1}});
  CHECK(event_seqs(client.take()) == std::vector<std::uint64_t>{2});
}

TEST_CASE("a client whose queue overflows is counted as dropped and sent nothing more; others get everything", "[live]") {
  FakeClock clock(0);
  LiveHub hub(LiveOptions{}, clock);
  TestClient slow(hub, 1, LiveSubscription{{false, true, false}, std::nullopt}, 3);
  TestClient fast(hub, 2, LiveSubscription{{false, true, false}, std::nullopt});
  fast.take();
  for (int i = 0; i < 10; ++i) hub.publish(LiveTopic::alerts, {{"i", i}});
  CHECK(slow.channel->sent.size() == 3);  // the ack and two events, then the overflow
  CHECK(event_seqs(fast.take()) == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  CHECK(hub.stats().clients_dropped_slow == 1);
}

TEST_CASE("the client limit refuses the client beyond it until one leaves", "[live]") {
  FakeClock clock(0);
  LiveOptions options;
  options.max_clients = 2;
  LiveHub hub(options, clock);
  auto a = hub.open_client({});
  auto b = hub.open_client({});
  CHECK(a);
  CHECK(b);
  CHECK_FALSE(hub.open_client({}));
  CHECK(hub.stats().clients_refused_limit == 1);
  a.reset();
  CHECK(hub.open_client({}));
}

TEST_CASE("the handshake query's topics and since are parsed strictly", "[live]") {
  CHECK(std::get<LiveTopicSet>(parse_topic_list("alerts,health")) == LiveTopicSet{false, true, true});
  CHECK(std::get<std::string>(parse_topic_list("alerts,nope")) == "unknown topic \"nope\"");
  CHECK(parse_seq("42") == 42u);
  CHECK_FALSE(parse_seq("-1"));
  CHECK_FALSE(parse_seq("4x"));
  CHECK_FALSE(parse_seq(""));
}

TEST_CASE("a resume larger than half the client's queue becomes a reset, so the client is not cut off", "[live]") {
  FakeClock clock(1'700'000'000'000);
  LiveOptions options;
  options.client_queue_messages = 10;  // catch-up limit: 5 messages
  LiveHub hub(options, clock);
  for (int i = 0; i < 3; ++i) hub.publish(LiveTopic::alerts, {{"i", i}});
  hub.set_snapshot(LiveTopic::alerts, {{"active", 0}});  // as of 3
  for (int i = 3; i < 12; ++i) hub.publish(LiveTopic::alerts, {{"i", i}});  // 4..12
  TestClient resuming(hub, 1);
  resuming.say(R"({"type":"subscribe","topics":["alerts"],"since":9})");  // 3 to replay: fits
  CHECK(event_seqs(resuming.take()) == std::vector<std::uint64_t>{10, 11, 12});
  TestClient behind(hub, 2);
  behind.say(R"({"type":"subscribe","topics":["alerts"],"since":2})");  // 10 to replay: too many
  const auto got = behind.take();
  CHECK(types(got) == std::vector<std::string>{"reset", "snapshot", "event", "event", "event", "event", "event", "subscribed"});
  CHECK(event_seqs(got) == std::vector<std::uint64_t>{8, 9, 10, 11, 12});  // the newest that fit after the snapshot
  CHECK(hub.stats().clients_dropped_slow == 0);
}
