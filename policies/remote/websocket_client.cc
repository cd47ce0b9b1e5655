// Compiled as C++17: websocketpp 0.8.2 declares constructors with template-ids, which C++20
// rejects (see policies/CMakeLists.txt).
#include "policies/remote/websocket_client.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <sstream>
#include <thread>

#include <websocketpp/client.hpp>
#include <websocketpp/config/asio_no_tls_client.hpp>

namespace fb::policies::remote {
namespace {

using Client = websocketpp::client<websocketpp::config::asio_client>;

constexpr size_t kMaxQuotedText = 2000;

long Milliseconds(double seconds) { return static_cast<long>(seconds * 1000.0 + 0.5); }

std::chrono::steady_clock::duration Duration(double seconds) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(seconds));
}

std::string FormatSeconds(double seconds) {
  std::ostringstream out;
  out << seconds << " s";
  return out.str();
}

}  // namespace

struct WebSocketClient::Impl {
  enum class State { kConnecting, kOpen, kEnded };

  WebSocketOptions options;
  Client client;
  std::thread io;
  std::mutex mutex;
  std::condition_variable changed;
  State state = State::kConnecting;  // guarded by mutex, as is everything below
  websocketpp::connection_hdl hdl;
  std::deque<std::string> received;
  std::string server_error;  // the first text message: openpi's traceback
  std::string ended_reason;

  explicit Impl(WebSocketOptions o) : options(std::move(o)) {}

  ~Impl() {
    bool was_open = false;
    websocketpp::connection_hdl open_hdl;
    {
      std::lock_guard<std::mutex> lock(mutex);
      was_open = state == State::kOpen;
      open_hdl = hdl;
    }
    if (was_open) {
      websocketpp::lib::error_code ignored;
      client.close(open_hdl, websocketpp::close::status::normal, "", ignored);
      std::unique_lock<std::mutex> lock(mutex);
      changed.wait_for(lock, std::chrono::seconds(1), [&] { return state == State::kEnded; });
    }
    client.stop();
    if (io.joinable()) io.join();
  }

  void End(std::string reason) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (state == State::kEnded) return;
      state = State::kEnded;
      ended_reason = std::move(reason);
    }
    changed.notify_all();
  }

  void OnOpen(websocketpp::connection_hdl h) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      hdl = h;
      state = State::kOpen;
    }
    changed.notify_all();
  }

  void OnFail(websocketpp::connection_hdl h) {
    Client::connection_ptr con = client.get_con_from_hdl(h);
    const auto transport = con->get_transport_ec();
    End("could not connect: " + (transport ? transport.message() : con->get_ec().message()));
  }

  void OnClose(websocketpp::connection_hdl h) {
    Client::connection_ptr con = client.get_con_from_hdl(h);
    if (con->get_local_close_code() == websocketpp::close::status::message_too_big) {
      End("a message from the server exceeded max_message_bytes (" + std::to_string(options.max_message_bytes) +
          "); the connection was closed");
      return;
    }
    std::string reason = "the server closed the connection (code " + std::to_string(con->get_remote_close_code());
    if (!con->get_remote_close_reason().empty()) reason += ": " + con->get_remote_close_reason();
    End(reason + ")");
  }

  void OnMessage(websocketpp::connection_hdl, Client::message_ptr message) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (message->get_opcode() == websocketpp::frame::opcode::binary) {
        received.push_back(std::move(message->get_raw_payload()));
      } else if (server_error.empty()) {
        server_error = message->get_payload().substr(0, kMaxQuotedText);
        if (server_error.empty()) server_error = "(empty text message)";
      }
    }
    changed.notify_all();
  }
};

WebSocketClient::WebSocketClient(const WebSocketOptions& options) : k_impl_(std::make_unique<Impl>(options)) {
  Impl& impl = *k_impl_;
  Client& client = impl.client;
  client.clear_access_channels(websocketpp::log::alevel::all);
  client.clear_error_channels(websocketpp::log::elevel::all);  // failures surface as exceptions
  client.init_asio();
  client.set_max_message_size(options.max_message_bytes);
  client.set_open_handler([&impl](websocketpp::connection_hdl h) { impl.OnOpen(h); });
  client.set_fail_handler([&impl](websocketpp::connection_hdl h) { impl.OnFail(h); });
  client.set_close_handler([&impl](websocketpp::connection_hdl h) { impl.OnClose(h); });
  client.set_message_handler(
      [&impl](websocketpp::connection_hdl h, Client::message_ptr message) { impl.OnMessage(h, message); });

  websocketpp::lib::error_code ec;
  const std::string uri = "ws://" + options.host + ":" + std::to_string(options.port) + "/";
  Client::connection_ptr con = client.get_connection(uri, ec);
  if (ec) throw std::runtime_error("invalid address " + uri + ": " + ec.message());
  con->set_open_handshake_timeout(Milliseconds(options.connect_timeout_s));
  con->set_close_handshake_timeout(1000);
  client.connect(con);
  impl.io = std::thread([&client] { client.run(); });

  std::unique_lock<std::mutex> lock(impl.mutex);
  if (!impl.changed.wait_for(lock, Duration(options.connect_timeout_s),
                             [&] { return impl.state != Impl::State::kConnecting; })) {
    throw WebSocketTimeout("could not connect within connect_timeout_s " + FormatSeconds(options.connect_timeout_s));
  }
  if (impl.state == Impl::State::kEnded) throw std::runtime_error(impl.ended_reason);
}

WebSocketClient::~WebSocketClient() = default;

void WebSocketClient::Send(const std::string& bytes) {
  Impl& impl = *k_impl_;
  websocketpp::connection_hdl hdl;
  {
    std::lock_guard<std::mutex> lock(impl.mutex);
    if (impl.state != Impl::State::kOpen) throw std::runtime_error(impl.ended_reason);
    hdl = impl.hdl;
  }
  websocketpp::lib::error_code ec;
  impl.client.send(hdl, bytes.data(), bytes.size(), websocketpp::frame::opcode::binary, ec);
  if (ec) throw std::runtime_error("send failed: " + ec.message());
}

std::string WebSocketClient::Receive(double timeout_s) {
  Impl& impl = *k_impl_;
  std::unique_lock<std::mutex> lock(impl.mutex);
  impl.changed.wait_for(lock, Duration(timeout_s), [&] {
    return !impl.received.empty() || !impl.server_error.empty() || impl.state == Impl::State::kEnded;
  });
  if (!impl.received.empty()) {
    std::string message = std::move(impl.received.front());
    impl.received.pop_front();
    return message;
  }
  if (!impl.server_error.empty()) throw std::runtime_error("the server reported an error: " + impl.server_error);
  if (impl.state == Impl::State::kEnded) throw std::runtime_error(impl.ended_reason);
  throw WebSocketTimeout("no reply within " + FormatSeconds(timeout_s));
}

}  // namespace fb::policies::remote
