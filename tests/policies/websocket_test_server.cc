// Compiled as C++17, like policies/remote/websocket_client.cc (websocketpp 0.8.2).
#include "tests/policies/websocket_test_server.h"

#include <thread>

#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/server.hpp>

namespace fb::testing {

using Server = websocketpp::server<websocketpp::config::asio>;

struct WebSocketTestServer::Impl {
  std::string greeting;
  Handler handler;
  Server server;
  std::thread io;
  int port = 0;

  void Send(websocketpp::connection_hdl hdl, const TestServerReply& reply) {
    websocketpp::lib::error_code ignored;  // the client may be gone; nothing to do then
    server.send(hdl, reply.bytes, reply.text ? websocketpp::frame::opcode::text : websocketpp::frame::opcode::binary,
                ignored);
  }
};

WebSocketTestServer::WebSocketTestServer(std::string greeting, Handler handler) : k_impl_(std::make_unique<Impl>()) {
  Impl& impl = *k_impl_;
  impl.greeting = std::move(greeting);
  impl.handler = std::move(handler);
  Server& server = impl.server;
  server.clear_access_channels(websocketpp::log::alevel::all);
  server.clear_error_channels(websocketpp::log::elevel::all);
  server.init_asio();
  server.set_reuse_addr(true);
  server.set_open_handler([&impl](websocketpp::connection_hdl hdl) { impl.Send(hdl, {impl.greeting, false, 0}); });
  server.set_message_handler([&impl](websocketpp::connection_hdl hdl, Server::message_ptr message) {
    TestServerReply reply = impl.handler(message->get_payload());
    if (reply.delay_s <= 0) {
      impl.Send(hdl, reply);
      return;
    }
    impl.server.set_timer(static_cast<long>(reply.delay_s * 1000), [&impl, hdl, reply](const websocketpp::lib::error_code& ec) {
      if (!ec) impl.Send(hdl, reply);
    });
  });
  server.listen(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  asio::error_code ec;
  impl.port = server.get_local_endpoint(ec).port();
  if (ec) throw std::runtime_error("test server: no local endpoint: " + ec.message());
  server.start_accept();
  impl.io = std::thread([&server] { server.run(); });
}

WebSocketTestServer::~WebSocketTestServer() {
  k_impl_->server.stop();
  k_impl_->io.join();
}

int WebSocketTestServer::port() const { return k_impl_->port; }

}  // namespace fb::testing
