// A blocking WebSocket client for strict request/reply protocols (openpi's policy server):
// binary messages out, binary messages in, every wait bounded. websocketpp runs on a
// background thread; this header keeps it (and its C++17-only headers) out of includers.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>

namespace fb::policies::remote {

// A bounded wait ran out (connect or Receive).
class WebSocketTimeout : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WebSocketOptions {
  std::string host = "127.0.0.1";
  int port = 8000;
  double connect_timeout_s = 10;   // TCP connect + HTTP upgrade
  size_t max_message_bytes = 1 << 20;  // larger incoming messages close the connection (1009)
};

// One connection to ws://host:port/. Not copyable; one thread at a time.
class WebSocketClient final {
 public:
  // Connects and completes the upgrade. Throws WebSocketTimeout after connect_timeout_s,
  // std::runtime_error with the system's reason ("Connection refused", ...) otherwise.
  explicit WebSocketClient(const WebSocketOptions& options);
  // Sends a normal close and waits at most 1 s for the server's before dropping the socket.
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Queues one binary message. Throws std::runtime_error when the connection has ended.
  void Send(const std::string& bytes);

  // The next binary message, waiting at most timeout_s. Throws WebSocketTimeout when none
  // arrived in time; std::runtime_error when the server sent a text message (an error report,
  // quoted), closed the connection (code and reason), or a message exceeded max_message_bytes.
  std::string Receive(double timeout_s);

 private:
  struct Impl;
  std::unique_ptr<Impl> k_impl_;
};

}  // namespace fb::policies::remote
