// A client of openpi's websocket policy server (openpi_client.WebsocketClientPolicy): each
// Act sends the mapped observation as one msgpack-numpy message and returns the leading rows
// of the reply's action array. The server speaks first with a metadata map, which is kept and
// logged but not checked. One connection is reused across episodes while it is healthy; after
// any error the next Reset or Act reconnects. Defaults: configs/policies/openpi.yaml.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/schema.h"
#include "policies/policy.h"
#include "policies/remote/msgpack_numpy.h"

namespace fb::policies {

namespace remote {
class WebSocketClient;
}

// The openpi key each observation part is sent under; "" leaves the part out.
struct OpenpiObservationKeys {
  std::string agentview;
  std::string wrist;
  std::string state;
  std::string prompt;
  template <class V>
  void Describe(V& v) {
    v("agentview", agentview);
    v("wrist", wrist);
    v("state", state);
    v("prompt", prompt);
  }
};

struct OpenpiParams {
  std::string host;
  int port = 0;
  double connect_timeout_s = 0;
  double response_timeout_s = 0;
  int64_t max_message_bytes = 0;
  OpenpiObservationKeys observation;
  std::vector<std::string> state_parts;  // joint_pos | joint_vel | eef_pos | eef_quat | gripper
  int image_width = 0;
  int image_height = 0;
  std::string action_key;
  int actions_per_reply = 0;  // 0 = all
  template <class V>
  void Describe(V& v) {
    v("host", host, config::NonEmpty{});
    v("port", port, config::Range{1, 65535});
    v("connect_timeout_s", connect_timeout_s, config::Range{0.01, 3600.0});
    v("response_timeout_s", response_timeout_s, config::Range{0.01, 86400.0});
    v("max_message_bytes", max_message_bytes, config::Range<int64_t>{1024, int64_t{1} << 30});
    v("observation", observation);
    v("state_parts", state_parts);
    v("image_width", image_width, config::Range{16, 4096});
    v("image_height", image_height, config::Range{16, 4096});
    v("action_key", action_key, config::NonEmpty{});
    v("actions_per_reply", actions_per_reply, config::Range{0, 100000});
  }
  // Throws fb::InputError for an unknown state part, or a state key without parts.
  void Validate() const;
};

class OpenpiPolicy final : public Policy {
 public:
  // Connects and reads the server's metadata; fb::InputError naming host and port otherwise.
  void Preflight() override;

  explicit OpenpiPolicy(OpenpiParams params);
  ~OpenpiPolicy() override;
  // Registry entry: params layered over configs/policies/openpi.yaml. Does not connect.
  static std::unique_ptr<Policy> Create(const config::Subtree& params);

  // Images only for the parts the key mapping sends, at image_width x image_height.
  envs::ObservationOptions observation_options() const override;

  // The metadata map the server sent on the current connection; null before the first.
  const remote::Value& server_metadata() const { return k_metadata_; }

  // The observation message Act would send for `observation` (exposed for tests). Throws
  // std::runtime_error when a mapped image was not rendered.
  remote::ValueMap EncodeObservation(const envs::Observation& observation) const;

 private:
  void DoAttach(const envs::EnvSpec& spec, const envs::EpisodeState& state) override;
  void DoReset(const envs::EpisodeId& id) override;
  ActionChunk DoAct(const envs::Observation& observation) override;

  // Connects and reads the metadata message unless a healthy connection exists.
  void EnsureConnected();
  // The reply's action rows, checked against the attached action_dim.
  ActionChunk DecodeReply(const std::string& bytes) const;
  // "openpi ws://host:port: " + problem.
  std::string Where(const std::string& problem) const;

  const OpenpiParams k_params_;
  int k_action_dim_ = 0;
  std::unique_ptr<remote::WebSocketClient> k_client_;  // null when disconnected
  remote::Value k_metadata_;
};

}  // namespace fb::policies
