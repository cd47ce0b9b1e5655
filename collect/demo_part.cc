#include "collect/demo_part.h"

#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/fnv1a.h"

namespace fb::collect {
namespace {

constexpr std::string_view kMagic = "fasterbench-demo-part";
constexpr int kVersion = 2;  // 2: chunk_horizon, action_chunks, executed_actions

template <class T>
void Append(std::string& out, const std::vector<T>& values) {
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

// Reads `count` values from the cursor; throws when the bytes run out.
template <class T>
void Take(std::string_view bytes, size_t& cursor, size_t count, std::vector<T>& out, const std::string& source) {
  const size_t size = count * sizeof(T);
  if (bytes.size() - cursor < size) throw InputError(fmt::format("demo part '{}' is truncated", source));
  out.resize(count);
  std::memcpy(out.data(), bytes.data() + cursor, size);
  cursor += size;
}

}  // namespace

std::string EncodeDemoPart(const DemoEpisode& demo) {
  const nlohmann::json header = {{"format", kMagic},
                                 {"version", kVersion},
                                 {"suite", demo.id.suite},
                                 {"task", demo.id.task},
                                 {"split", demo.id.split},
                                 {"embodiment", demo.id.embodiment},
                                 {"init_index", demo.id.init_index},
                                 {"seed", demo.id.seed},
                                 {"instruction", demo.instruction},
                                 {"success", demo.success},
                                 {"failure", demo.failure},
                                 {"failure_detail", demo.failure_detail},
                                 {"steps", demo.steps},
                                 {"action_dim", demo.action_dim},
                                 {"state_dim", demo.state_dim},
                                 {"joint_dim", demo.joint_dim},
                                 {"gripper_dim", demo.gripper_dim},
                                 {"arms", demo.arms},
                                 {"image_size", demo.image_size},
                                 {"chunk_horizon", demo.chunk_horizon},
                                 {"executed_actions", !demo.executed_actions.empty()},
                                 {"image_names", demo.image_names}};
  std::string out = header.dump() + "\n";
  Append(out, demo.actions);
  Append(out, demo.states);
  Append(out, demo.joint_states);
  Append(out, demo.gripper_states);
  Append(out, demo.ee_pos);
  Append(out, demo.ee_ori);
  Append(out, demo.rewards);
  Append(out, demo.dones);
  Append(out, demo.action_chunks);
  Append(out, demo.executed_actions);
  for (const auto& image : demo.images) Append(out, image);
  return out;
}

DemoEpisode DecodeDemoPart(std::string_view bytes, const std::string& source) {
  const size_t end = bytes.find('\n');
  if (end == std::string_view::npos) throw InputError(fmt::format("demo part '{}' has no header", source));
  const nlohmann::json header = nlohmann::json::parse(bytes.substr(0, end), nullptr, /*allow_exceptions=*/false);
  if (!header.is_object() || header.value("format", "") != kMagic || header.value("version", 0) != kVersion) {
    throw InputError(fmt::format("demo part '{}' is not a version {} {} file", source, kVersion, kMagic));
  }
  DemoEpisode demo;
  bool executed = false;
  try {
    demo.id.suite = header.at("suite");
    demo.id.task = header.at("task");
    demo.id.split = header.at("split");
    demo.id.embodiment = header.at("embodiment");
    demo.id.init_index = header.at("init_index");
    demo.id.seed = header.at("seed");
    demo.instruction = header.at("instruction");
    demo.success = header.at("success");
    demo.failure = header.at("failure");
    demo.failure_detail = header.at("failure_detail");
    demo.steps = header.at("steps");
    demo.action_dim = header.at("action_dim");
    demo.state_dim = header.at("state_dim");
    demo.joint_dim = header.at("joint_dim");
    demo.gripper_dim = header.at("gripper_dim");
    demo.arms = header.at("arms");
    demo.image_size = header.at("image_size");
    demo.chunk_horizon = header.at("chunk_horizon");
    executed = header.at("executed_actions");
    demo.image_names = header.at("image_names").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("demo part '{}': bad header: {}", source, e.what()));
  }
  const auto steps = static_cast<size_t>(demo.steps);
  const auto arms = static_cast<size_t>(demo.arms);
  size_t cursor = end + 1;
  Take(bytes, cursor, steps * static_cast<size_t>(demo.action_dim), demo.actions, source);
  Take(bytes, cursor, steps * static_cast<size_t>(demo.state_dim), demo.states, source);
  Take(bytes, cursor, steps * static_cast<size_t>(demo.joint_dim), demo.joint_states, source);
  Take(bytes, cursor, steps * static_cast<size_t>(demo.gripper_dim), demo.gripper_states, source);
  Take(bytes, cursor, steps * arms * 3, demo.ee_pos, source);
  Take(bytes, cursor, steps * arms * 3, demo.ee_ori, source);
  Take(bytes, cursor, steps, demo.rewards, source);
  Take(bytes, cursor, steps, demo.dones, source);
  const auto actions = steps * static_cast<size_t>(demo.action_dim);
  Take(bytes, cursor, actions * static_cast<size_t>(demo.chunk_horizon), demo.action_chunks, source);
  Take(bytes, cursor, executed ? actions : 0, demo.executed_actions, source);
  const size_t frame = static_cast<size_t>(demo.image_size) * static_cast<size_t>(demo.image_size) * 3;
  demo.images.resize(demo.image_names.size());
  for (auto& image : demo.images) Take(bytes, cursor, steps * frame, image, source);
  if (cursor != bytes.size()) throw InputError(fmt::format("demo part '{}' has trailing bytes", source));
  return demo;
}

uint64_t DemoDigest(const DemoEpisode& demo) {
  const std::string_view actions(reinterpret_cast<const char*>(demo.actions.data()),
                                 demo.actions.size() * sizeof(float));
  const std::string_view states(reinterpret_cast<const char*>(demo.states.data()),
                                demo.states.size() * sizeof(double));
  return Fnv1a64(states, Fnv1a64(actions));
}

}  // namespace fb::collect
