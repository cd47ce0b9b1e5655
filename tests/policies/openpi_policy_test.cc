#include "policies/remote/openpi_policy.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/document.h"
#include "core/error.h"
#include "envs/env.h"
#include "policies/registry.h"
#include "tests/policies/websocket_test_server.h"

namespace fb::policies {
namespace {

using remote::NdArray;
using remote::Value;
using remote::ValueMap;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr int kHorizon = 4;
constexpr int kActionDim = 7;

// openpi's server side as far as the client can tell: metadata first, then one reply per
// observation. Its actions echo the state, actions[r][d] = state[d] + r, so a test can
// check what the client sent and how it read the reply.
class FakeOpenpiServer final {
 public:
  enum class Mode { kEcho, kSlow, kNotAMap, kNoActions, kWrongDtype, kWrongShape, kOversize, kTextError };

  explicit FakeOpenpiServer(Mode mode)
      : k_mode_(mode),
        k_server_(remote::Pack({ValueMap{{"reset_pose", {std::vector<Value>{{0.0}, {-1.5}}}}}}),
                  [this](const std::string& request) { return Reply(request); }) {}

  int port() const { return k_server_.port(); }

  ValueMap last_request() const {
    std::lock_guard<std::mutex> lock(k_mutex_);
    return k_last_request_;
  }

 private:
  testing::TestServerReply Reply(const std::string& request) {
    ValueMap observation = std::get<ValueMap>(remote::Unpack(request).v);
    {
      std::lock_guard<std::mutex> lock(k_mutex_);
      k_last_request_ = observation;
    }
    const std::vector<double> state = remote::ToDoubles(std::get<NdArray>(remote::Find(observation, "observation/state")->v));
    std::vector<double> actions;
    for (int r = 0; r < kHorizon; ++r) {
      for (int d = 0; d < kActionDim; ++d) actions.push_back(state[static_cast<size_t>(d)] + r);
    }
    NdArray array = remote::MakeArray(std::span<const double>(actions), {kHorizon, kActionDim});
    const Value timing{ValueMap{{"infer_ms", {1.0}}}};
    switch (k_mode_) {
      case Mode::kEcho: break;
      case Mode::kSlow: return {remote::Pack({ValueMap{{"actions", {array}}}}), false, 5.0};
      case Mode::kNotAMap: return {remote::Pack({std::vector<Value>{{array}}})};
      case Mode::kNoActions: return {remote::Pack({ValueMap{{"policy_timing", timing}}})};
      case Mode::kWrongDtype: array.dtype = "<i8"; break;
      case Mode::kWrongShape: array.shape = {kHorizon * kActionDim}; break;
      case Mode::kOversize: return {std::string(2 << 20, '\x01')};
      case Mode::kTextError: return {"Traceback (most recent call last): ValueError: bad image", true};
    }
    return {remote::Pack({ValueMap{{"actions", {array}}, {"policy_timing", timing}}})};
  }

  const Mode k_mode_;
  mutable std::mutex k_mutex_;
  ValueMap k_last_request_;
  testing::WebSocketTestServer k_server_;  // last: stops before the members its handler uses
};

config::Subtree Params(const std::string& yaml) {
  config::Subtree params;
  const config::Document doc = config::FromAssignment("params=" + yaml);
  params.layers.push_back({doc.root["params"], doc, "policy.params"});
  return params;
}

// Params for a server on `port`, images off unless `extra` maps them.
config::Subtree ServerParams(int port, const std::string& extra = "") {
  return Params("{port: " + std::to_string(port) +
                ", connect_timeout_s: 5, response_timeout_s: 5, max_message_bytes: 1048576, "
                "observation: {agentview: '', wrist: ''}" +
                extra + "}");
}

class OpenpiPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spec_ = envs::EnvSpec::Create("spatial", "spatial_red_block_on_plate", "panda");
    id_ = {"spatial", "spatial_red_block_on_plate", "id", "panda", 0, 0};
    envs::Reset(*spec_, id_, state_);
  }
  std::unique_ptr<Policy> Attached(const config::Subtree& params) {
    auto policy = CreatePolicy("openpi", params);
    policy->Attach(*spec_, state_);
    return policy;
  }
  envs::Observation Observe(const Policy& policy, envs::Renderer* renderer = nullptr) {
    return envs::Observe(*spec_, state_, policy.observation_options(), renderer);
  }
  std::unique_ptr<const envs::EnvSpec> spec_;
  envs::EpisodeState state_;
  envs::EpisodeId id_;
};

TEST_F(OpenpiPolicyTest, SendsTheMappedObservationAndReturnsTheReplysActions) {
  FakeOpenpiServer server(FakeOpenpiServer::Mode::kEcho);
  auto policy = Attached(Params("{port: " + std::to_string(server.port()) + ", image_width: 64, image_height: 48}"));
  const envs::ObservationOptions options = policy->observation_options();
  EXPECT_TRUE(options.agentview);
  EXPECT_TRUE(options.wrist);
  EXPECT_EQ(options.width, 64);
  EXPECT_EQ(options.height, 48);

  policy->Reset(id_);
  envs::Renderer renderer;
  const envs::Observation observation = Observe(*policy, &renderer);
  const ActionChunk chunk = policy->Act(observation);

  const ValueMap request = server.last_request();
  ASSERT_EQ(request.size(), 4u);
  const NdArray& image = std::get<NdArray>(remote::Find(request, "observation/image")->v);
  EXPECT_EQ(image.dtype, "|u1");
  EXPECT_THAT(image.shape, ::testing::ElementsAre(48, 64, 3));
  EXPECT_EQ(image.data, std::string(observation.agentview.pixels.begin(), observation.agentview.pixels.end()));
  const NdArray& wrist = std::get<NdArray>(remote::Find(request, "observation/wrist_image")->v);
  EXPECT_THAT(wrist.shape, ::testing::ElementsAre(48, 64, 3));
  const NdArray& state = std::get<NdArray>(remote::Find(request, "observation/state")->v);
  EXPECT_EQ(state.dtype, "<f4");
  const auto& proprio = observation.proprio;
  ASSERT_THAT(state.shape, ::testing::ElementsAre(static_cast<int64_t>(proprio.joint_pos.size() + proprio.gripper.size())));
  EXPECT_EQ(remote::ToDoubles(state).back(), static_cast<float>(proprio.gripper.back()));
  EXPECT_EQ(std::get<std::string>(remote::Find(request, "prompt")->v), observation.instruction);

  ASSERT_EQ(chunk.steps, kHorizon);
  ASSERT_EQ(chunk.action_dim, kActionDim);
  for (int r = 0; r < kHorizon; ++r) {
    for (int d = 0; d < kActionDim; ++d) {
      EXPECT_EQ(chunk.actions[static_cast<size_t>(r * kActionDim + d)], double{static_cast<float>(proprio.joint_pos[d])} + r);
    }
  }
  EXPECT_GT(chunk.metrics.generate_s, 0.0);
  EXPECT_EQ(remote::Describe(static_cast<const OpenpiPolicy&>(*policy).server_metadata()),
            "{reset_pose: [0, -1.5]}");
}

TEST_F(OpenpiPolicyTest, UsesTheLeadingActionsAndKeepsTheConnection) {
  FakeOpenpiServer server(FakeOpenpiServer::Mode::kEcho);
  auto policy = Attached(ServerParams(server.port(), ", actions_per_reply: 2, state_parts: [eef_pos, joint_pos]"));
  policy->Reset(id_);
  const envs::Observation observation = Observe(*policy);
  for (int call = 0; call < 3; ++call) {
    const ActionChunk chunk = policy->Act(observation);
    ASSERT_EQ(chunk.steps, 2);
    ASSERT_EQ(chunk.actions.size(), 2u * kActionDim);
    EXPECT_EQ(chunk.actions[kActionDim], double{static_cast<float>(observation.proprio.eef_pos[0])} + 1);
  }
  EXPECT_EQ(server.last_request().size(), 2u);  // state and prompt
}

TEST_F(OpenpiPolicyTest, AMissingReplyIsAPolicyTimeout) {
  FakeOpenpiServer server(FakeOpenpiServer::Mode::kSlow);
  auto policy = Attached(Params("{port: " + std::to_string(server.port()) +
                                ", response_timeout_s: 0.2, observation: {agentview: '', wrist: ''}}"));
  policy->Reset(id_);
  const envs::Observation observation = Observe(*policy);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT([&] { policy->Act(observation); },
              ThrowsMessage<PolicyTimeout>(HasSubstr(
                  "openpi 127.0.0.1:" + std::to_string(server.port()) + ": no reply within 0.2 s (response_timeout_s)")));
  // Well below the server's 5 s delay: the wait is bounded by response_timeout_s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(OpenpiPolicyTest, ARefusedConnectionNamesTheServer) {
  // A bound socket that does not listen: connecting to it is refused.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const int port = ntohs(address.sin_port);

  auto policy = Attached(ServerParams(port));
  EXPECT_THAT([&] { policy->Reset(id_); },
              ThrowsMessage<std::runtime_error>(
                  HasSubstr("openpi 127.0.0.1:" + std::to_string(port) + ": could not connect: Connection refused")));
  ::close(fd);
}

TEST_F(OpenpiPolicyTest, MalformedRepliesAreClearErrors) {
  const std::vector<std::pair<FakeOpenpiServer::Mode, std::string>> cases = {
      {FakeOpenpiServer::Mode::kNotAMap, "malformed reply: not a map but [ndarray <f8 [4, 7]]"},
      {FakeOpenpiServer::Mode::kNoActions, "malformed reply: no 'actions' in {policy_timing: {infer_ms: 1}}"},
      {FakeOpenpiServer::Mode::kWrongDtype, "'actions' has dtype <i8; expected float32 (<f4) or float64 (<f8)"},
      {FakeOpenpiServer::Mode::kWrongShape, "'actions' is ndarray <f8 [28]; expected [horizon >= 1, 7]"},
      {FakeOpenpiServer::Mode::kOversize, "a message from the server exceeded max_message_bytes (1048576)"},
      {FakeOpenpiServer::Mode::kTextError, "the server reported an error: Traceback (most recent call last)"},
  };
  for (const auto& [mode, expected] : cases) {
    FakeOpenpiServer server(mode);
    auto policy = Attached(ServerParams(server.port()));
    policy->Reset(id_);
    EXPECT_THAT([&] { policy->Act(Observe(*policy)); },
                ThrowsMessage<std::runtime_error>(::testing::AllOf(HasSubstr("openpi 127.0.0.1:" + std::to_string(server.port())),
                                                        HasSubstr(expected))))
        << expected;
  }
}

TEST(OpenpiParamsTest, DefaultsAreOpenpisLiberoKeysAndBadParamsAreRejected) {
  auto policy = CreatePolicy("openpi");
  const auto& openpi = static_cast<const OpenpiPolicy&>(*policy);
  envs::Observation observation;
  observation.agentview = {2, 1, {1, 2, 3, 4, 5, 6}};
  observation.wrist = {{2, 1, {6, 5, 4, 3, 2, 1}}};
  observation.instruction = "pick";
  const ValueMap message = openpi.EncodeObservation(observation);
  ASSERT_EQ(message.size(), 4u);
  EXPECT_EQ(message[0].first, "observation/image");
  EXPECT_EQ(message[1].first, "observation/wrist_image");
  EXPECT_EQ(message[2].first, "observation/state");
  EXPECT_EQ(message[3].first, "prompt");
  EXPECT_EQ(policy->observation_options().width, 224);

  EXPECT_THAT([] { CreatePolicy("openpi", Params("{state_parts: [joint_pos, grippr]}")); },
              ThrowsMessage<InputError>(HasSubstr("unknown part 'grippr'; did you mean 'gripper'?")));
  EXPECT_THROW(CreatePolicy("openpi", Params("{port: 0}")), InputError);
  EXPECT_THROW(CreatePolicy("openpi", Params("{max_message_bytes: 10}")), InputError);
  EXPECT_THAT([&] { openpi.EncodeObservation({}); }, ThrowsMessage<std::runtime_error>(HasSubstr("no agentview image")));
}

}  // namespace
}  // namespace fb::policies
