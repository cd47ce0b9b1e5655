// A websocketpp server on 127.0.0.1 and an ephemeral port, for testing WebSocket clients:
// it sends `greeting` to each new connection, then answers every binary message with what
// the handler returns, optionally after a delay. Runs on its own thread; every wait in it is
// bounded, and destroying it stops it.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace fb::testing {

struct TestServerReply {
  std::string bytes;
  bool text = false;   // send as a text message (openpi's error report) instead of binary
  double delay_s = 0;  // wait this long first (on a timer: the server stays responsive)
};

class WebSocketTestServer final {
 public:
  using Handler = std::function<TestServerReply(const std::string& request)>;

  // Listens before returning. `handler` runs on the server thread.
  WebSocketTestServer(std::string greeting, Handler handler);
  ~WebSocketTestServer();
  WebSocketTestServer(const WebSocketTestServer&) = delete;
  WebSocketTestServer& operator=(const WebSocketTestServer&) = delete;

  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> k_impl_;
};

}  // namespace fb::testing
