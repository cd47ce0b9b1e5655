#include "collect/demo_collection.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/atomic_file.h"
#include "core/config/checks.h"
#include "core/config/schema.h"
#include "core/data/hdf5_demo_writer.h"
#include "core/error.h"
#include "core/fnv1a.h"
#include "core/json_file.h"
#include "core/progress.h"
#include "core/worker_pool.h"
#include "collect/expert_demo.h"
#include "collect/learner_demo.h"
#include "envs/object_state.h"
#include "envs/renderer.h"
#include "envs/splits.h"
#include "policies/registry.h"

namespace fb::collect {

using envs::EnvSpec;
using envs::EpisodeId;
using envs::ScriptedExpert;

namespace {

namespace fs = std::filesystem;

// Bumped when what a part holds changes, so old parts are never mixed with new ones.
constexpr int kPartSettingsVersion = 2;  // 2: clean action chunks (chunk_horizon), executed actions

// Everything an episode's recorded bytes depend on besides its EpisodeId. A learner enters by
// name and parameters: a retrained checkpoint at the same path needs a new `out`.
std::string SettingsHash(const CollectConfig& c) {
  std::string text = fmt::format("v{}\nsuite {}\nsplit {}\nseed {}\nimage_size {}\ncameras {}\nrenderer {}\naction_noise {}\n"
                                 "chunk_horizon {}\n",
                                 kPartSettingsVersion, c.suite, c.split, c.seed, c.image_size, fmt::join(c.cameras, ","),
                                 c.renderer, c.action_noise, c.chunk_horizon);
  if (!c.learner.name.empty()) {
    text += "learner\n" + config::Dump(c.learner);
  }
  return config::HashText(text);
}

bool Has(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}'", path.string()));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// One (task, embodiment): its files and its episodes' init indices, ascending.
struct Group {
  std::string task;
  std::string embodiment;
  fs::path parts;     // directory of its part files and complete.json
  fs::path file;      // the HDF5
  std::vector<int> inits;
  fs::path Part(int init) const { return parts / fmt::format("{}.part", init); }
  fs::path Complete() const { return parts / "complete.json"; }
};

// A group is complete when its file exists and complete.json lists the same init indices.
std::optional<nlohmann::json> CompletedSummary(const Group& g) {
  if (!fs::exists(g.Complete()) || !fs::exists(g.file)) return std::nullopt;
  const nlohmann::json summary = nlohmann::json::parse(ReadBytes(g.Complete()), nullptr, false);
  if (!summary.is_object() || summary.value("init_indices", std::vector<int>{}) != g.inits) return std::nullopt;
  return summary;
}

std::vector<std::string> ObjectNames(const EnvSpec& spec) {
  std::vector<std::string> names;
  for (const auto& object : spec.task().objects) names.push_back(object.name);
  return names;
}

std::string EnvArgs(const EnvSpec& spec, const CollectConfig& c, const std::vector<std::string>& images) {
  const envs::EmbodimentSpec& e = spec.embodiment();
  const nlohmann::json kwargs = {
      {"suite", spec.suite()},
      {"task", spec.task().name},
      {"embodiment", e.name()},
      {"split", c.split},
      {"action_space", envs::ActionSpaceName(spec.options().action_space)},
      {"action_dim", spec.action_dim()},
      {"action_convention",
       "per arm [dx, dy, dz, droll, dpitch, dyaw, gripper] in [-1, 1], arms in spec order; translation = a * "
       "max_translation metres, axis-angle rotation = a * max_rotation radians, both in the world frame; gripper -1 "
       "open, +1 closed"},
      {"bounds", {{"max_translation", e.config().action.max_translation},
                  {"max_rotation", e.config().action.max_rotation}}},
      {"control_hz", e.control_hz()},
      {"physics_timestep", e.physics_timestep()},
      {"substeps", spec.substeps()},
      {"image_size", {c.image_size, c.image_size}},
      {"image_rows", "top_first"},
      {"images", images},
      {"renderer", c.renderer},
      {"states", "qpos then qvel of the full MuJoCo model, float64, before each action"},
      {"object_pos", "obs/object_pos: world xyz of each of `objects`, metres, before each action"},
      {"object_states",
       "obs/object_states (steps x objects x 8): every object on the table sorted by (kind, colour, name), per object "
       "world position (3, metres), orientation quaternion (4, w x y z) and inner joint (1; 0 for rigid objects), "
       "before each action; the dataset's attributes objects, kinds and colours (JSON lists) name them"},
      {"objects", ObjectNames(spec)},
      {"seed", c.seed},
      {"action_noise", c.action_noise},
      {"chunk_horizon", c.chunk_horizon},
      {"action_chunks",
       "action_chunks (T x chunk_horizon x action_dim) float32: at each step the noise-free expert's next "
       "chunk_horizon actions from that state (its last action repeated once its rollout ends)"}};
  return nlohmann::json{{"type", "fasterbench"}, {"env_name", spec.task().name}, {"env_kwargs", kwargs}}.dump();
}

template <class T>
std::vector<float> ToFloat(const std::vector<T>& values) {
  return std::vector<float>(values.begin(), values.end());
}

// World xyz of each task object per step, read from the recorded states' free joints: a
// privileged label (e.g. for an auxiliary loss), never part of what a policy observes.
std::vector<float> ObjectPositions(const EnvSpec& spec, const DemoEpisode& d) {
  std::vector<float> out;
  out.reserve(static_cast<size_t>(d.steps * 3 * spec.num_objects()));
  for (int t = 0; t < d.steps; ++t) {
    const double* qpos = d.states.data() + static_cast<ptrdiff_t>(t) * d.state_dim;
    for (int i = 0; i < spec.num_objects(); ++i) {
      const double* pos = qpos + spec.object_qpos_adr(i);
      out.insert(out.end(), pos, pos + 3);
    }
  }
  return out;
}

// The state track's object observations per step (ObserveObjects on the recorded states, so
// the values equal what evaluation observes): (steps x objects x kObjectStateValues), and the
// objects' names, kinds and colours. The train split places no distractors, so the set of
// objects on the table cannot change during a demo.
struct RecordedObjects {
  std::vector<std::string> names, kinds, colours;
  std::vector<float> values;
};

RecordedObjects ObjectStates(const EnvSpec& spec, const DemoEpisode& d) {
  RecordedObjects out;
  for (int t = 0; t < d.steps; ++t) {
    const auto objects = envs::ObserveObjects(spec, d.states.data() + static_cast<ptrdiff_t>(t) * d.state_dim);
    if (t == 0) {
      for (const envs::ObjectState& o : objects) {
        out.names.push_back(o.name);
        out.kinds.push_back(o.kind);
        out.colours.push_back(o.colour);
      }
    }
    if (objects.size() != out.names.size()) {
      throw std::runtime_error(fmt::format("{}: the objects on the table changed at step {}", d.id.ToString(), t));
    }
    for (const envs::ObjectState& o : objects) {
      out.values.insert(out.values.end(), o.pos, o.pos + 3);
      out.values.insert(out.values.end(), o.quat, o.quat + 4);
      out.values.push_back(static_cast<float>(o.joint));
    }
  }
  return out;
}

void WriteDemo(data::Hdf5DemoWriter& writer, int64_t index, const DemoEpisode& d, const EnvSpec& spec) {
  const int64_t steps = d.steps;
  const std::string group = writer.WriteDemoActions(index, steps, d.action_dim, d.actions);
  writer.WriteFloatDataset(group + "/states", std::vector<int64_t>{steps, d.state_dim}, std::span<const double>(d.states));
  writer.WriteFloatDataset(group + "/rewards", std::vector<int64_t>{steps}, d.rewards);
  writer.WriteFloatDataset(group + "/dones", std::vector<int64_t>{steps}, d.dones);
  writer.WriteFloatDataset(group + "/action_chunks", std::vector<int64_t>{steps, d.chunk_horizon, d.action_dim},
                           d.action_chunks);
  if (!d.executed_actions.empty()) {
    writer.WriteFloatDataset(group + "/executed_actions", std::vector<int64_t>{steps, d.action_dim},
                             std::span<const double>(d.executed_actions));
  }
  const std::string obs = group + "/obs/";
  writer.WriteFloatDataset(obs + "joint_states", std::vector<int64_t>{steps, d.joint_dim}, d.joint_states);
  writer.WriteFloatDataset(obs + "gripper_states", std::vector<int64_t>{steps, d.gripper_dim}, d.gripper_states);
  writer.WriteFloatDataset(obs + "ee_pos", std::vector<int64_t>{steps, 3 * d.arms}, d.ee_pos);
  writer.WriteFloatDataset(obs + "ee_ori", std::vector<int64_t>{steps, 3 * d.arms}, d.ee_ori);
  std::vector<float> ee_states;  // per arm: pos then axis-angle, as LIBERO's ee_states
  ee_states.reserve(d.ee_pos.size() * 2);
  for (int64_t t = 0; t < steps * d.arms; ++t) {
    const auto k = static_cast<size_t>(3 * t);
    ee_states.insert(ee_states.end(), d.ee_pos.begin() + static_cast<ptrdiff_t>(k),
                     d.ee_pos.begin() + static_cast<ptrdiff_t>(k + 3));
    ee_states.insert(ee_states.end(), d.ee_ori.begin() + static_cast<ptrdiff_t>(k),
                     d.ee_ori.begin() + static_cast<ptrdiff_t>(k + 3));
  }
  writer.WriteFloatDataset(obs + "ee_states", std::vector<int64_t>{steps, 6 * d.arms}, ee_states);
  writer.WriteFloatDataset(obs + "object_pos", std::vector<int64_t>{steps, 3 * spec.num_objects()},
                           ObjectPositions(spec, d));
  const RecordedObjects objects = ObjectStates(spec, d);
  writer.WriteFloatDataset(obs + "object_states",
                           std::vector<int64_t>{steps, static_cast<int64_t>(objects.names.size()), envs::kObjectStateValues},
                           objects.values);
  writer.SetAttribute(group + "/obs/object_states", "objects", nlohmann::json(objects.names).dump());
  writer.SetAttribute(group + "/obs/object_states", "kinds", nlohmann::json(objects.kinds).dump());
  writer.SetAttribute(group + "/obs/object_states", "colours", nlohmann::json(objects.colours).dump());
  for (size_t i = 0; i < d.image_names.size(); ++i) {
    writer.WriteImageDataset(obs + d.image_names[i], steps, d.image_size, d.image_size, d.images[i]);
  }
  writer.SetAttribute(group, "task", d.id.task);
  writer.SetAttribute(group, "embodiment", d.id.embodiment);
  writer.SetAttribute(group, "split", d.id.split);
  writer.SetAttribute(group, "init_index", int64_t{d.id.init_index});
  writer.SetAttribute(group, "seed", static_cast<int64_t>(d.id.seed));
  writer.SetAttribute(group, "instruction", d.instruction);
}

// Mean |executed - expert| per action dimension of a learner's demo, over its steps: how far
// the learner's actions were from the labels, by dimension (translation, rotation, gripper).
std::vector<double> LearnerExpertL1(const DemoEpisode& d) {
  std::vector<double> l1(static_cast<size_t>(d.action_dim), 0.0);
  if (d.steps == 0 || d.executed_actions.size() != d.actions.size()) return l1;
  for (size_t i = 0; i < d.actions.size(); ++i) {
    l1[i % l1.size()] += std::abs(d.executed_actions[i] - static_cast<double>(d.actions[i]));
  }
  for (double& v : l1) v /= d.steps;
  return l1;
}

// Writes g's HDF5 from its parts (kept demos in init order) and returns its summary. The
// expert's unsolved episodes are dropped; a learner's are kept (their labels are the expert's).
nlohmann::json Assemble(const Group& g, const EnvSpec& spec, const CollectConfig& c) {
  const bool learner = !c.learner.name.empty();
  data::Hdf5DemoWriter writer(g.file);
  writer.SetActionLabels(g.embodiment, envs::ActionSpaceName(spec.options().action_space));
  nlohmann::json demos = nlohmann::json::array(), failures = nlohmann::json::array();
  std::string instruction;
  std::vector<std::string> images;
  int64_t index = 0;
  for (const int init : g.inits) {
    const fs::path part = g.Part(init);
    const DemoEpisode demo = DecodeDemoPart(ReadBytes(part), part.string());
    if (!demo.success && !learner) {
      failures.push_back({{"init_index", init}, {"reason", demo.failure}, {"detail", demo.failure_detail}});
      continue;
    }
    WriteDemo(writer, index, demo, spec);
    nlohmann::json entry = {{"demo", fmt::format("demo_{}", index)},
                            {"init_index", init},
                            {"steps", demo.steps},
                            {"digest", fmt::format("{:016x}", DemoDigest(demo))}};
    if (learner) {
      entry["learner_success"] = demo.success;
      entry["learner_failure"] = demo.failure;
      entry["learner_expert_l1"] = LearnerExpertL1(demo);
    }
    demos.push_back(std::move(entry));
    if (instruction.empty()) instruction = demo.instruction;
    images = demo.image_names;
    ++index;
  }
  writer.SetDataAttribute("env_args", EnvArgs(spec, c, images));
  writer.SetDataAttribute("problem_info", nlohmann::json{{"problem_name", g.task},
                                                         {"domain_name", spec.suite()},
                                                         {"language_instruction", instruction}}
                                              .dump());
  writer.Commit();
  return {{"task", g.task},       {"embodiment", g.embodiment}, {"file", g.file.filename().string()},
          {"init_indices", g.inits}, {"demos", demos},          {"failures", failures}};
}

void Finish(const Group& g, const nlohmann::json& summary) {
  WriteFileAtomic(g.Complete(), summary.dump(2) + "\n");
  for (const int init : g.inits) fs::remove(g.Part(init));
}

struct WorkerContext {
  envs::EpisodeState state;
  std::unique_ptr<envs::Renderer> renderer;
  std::unique_ptr<policies::Policy> learner;  // null when the expert drives
};

}  // namespace

std::vector<std::string> CollectEmbodiments(const CollectConfig& config, const envs::SuiteConfig& suite) {
  const std::vector<std::string> held_out = envs::HeldOutEmbodiments();
  if (config.embodiments.empty()) {
    std::vector<std::string> out;
    for (const auto& e : suite.embodiments) {
      if (config.include_held_out_embodiments || !Has(held_out, e)) out.push_back(e);
    }
    return out;
  }
  for (const auto& e : config.embodiments) {
    if (!Has(suite.embodiments, e)) {
      throw InputError(fmt::format("collect config: embodiments: suite '{}' has no embodiment '{}'; it lists {}",
                                   suite.name, e, fmt::join(suite.embodiments, ", ")));
    }
    if (Has(held_out, e) && !config.include_held_out_embodiments) {
      throw InputError(fmt::format("collect config: embodiments: '{}' is held out by a split (ood-embodiment); set "
                                   "include_held_out_embodiments=true to collect demos on it anyway",
                                   e));
    }
  }
  return config.embodiments;
}

fs::path DemoFilePath(const fs::path& out, const std::string& task, const std::string& embodiment) {
  return out / fmt::format("{}_{}_demo.hdf5", task, embodiment);
}

CollectStats CollectDemos(const CollectConfig& c) {
  const envs::SuiteConfig suite = envs::LoadSuite(c.suite);
  envs::LoadSplit(c.split);  // an unknown split fails here, before any work
  std::vector<std::string> tasks = c.tasks.empty() ? suite.tasks : c.tasks;
  for (const auto& task : tasks) {
    if (!Has(suite.tasks, task)) {
      throw InputError(fmt::format("collect config: tasks: suite '{}' has no task '{}'; it lists {}{}", suite.name, task,
                                   fmt::join(suite.tasks, ", "), config::DidYouMean(task, suite.tasks)));
    }
  }
  const std::vector<std::string> embodiments = CollectEmbodiments(c, suite);
  std::vector<int> inits = c.init_indices;
  std::sort(inits.begin(), inits.end());
  const fs::path out(c.out);
  const fs::path parts = out / ".parts" / SettingsHash(c).substr(std::string("fnv1a64:").size());

  CollectStats stats;
  std::vector<Group> groups;
  std::vector<std::unique_ptr<const EnvSpec>> specs;             // (groups), made when needed
  std::vector<std::unique_ptr<const ScriptedExpert>> experts;    // (groups)
  std::vector<std::optional<nlohmann::json>> summaries;          // (groups)
  std::vector<std::pair<int, int>> pending;                      // (group, init) to run, in order
  std::vector<int> remaining;                                    // (groups) episodes still to run
  for (const auto& task : tasks) {
    for (const auto& embodiment : embodiments) {
      Group g{task, embodiment, parts / task / embodiment, DemoFilePath(out, task, embodiment), inits};
      const int gi = static_cast<int>(groups.size());
      summaries.push_back(CompletedSummary(g));
      int left = 0;
      if (!summaries.back()) {
        for (const int init : inits) {
          if (fs::exists(g.Part(init))) continue;
          pending.emplace_back(gi, init);
          ++left;
        }
      }
      stats.planned += static_cast<int>(inits.size());
      stats.resumed += static_cast<int>(inits.size()) - left;
      remaining.push_back(left);
      groups.push_back(std::move(g));
      specs.emplace_back();
      experts.emplace_back();
    }
  }
  auto spec_of = [&](int gi) -> const EnvSpec& {
    if (!specs[static_cast<size_t>(gi)]) {
      const Group& g = groups[static_cast<size_t>(gi)];
      specs[static_cast<size_t>(gi)] = EnvSpec::Create(c.suite, g.task, g.embodiment);
      experts[static_cast<size_t>(gi)] = std::make_unique<ScriptedExpert>(*specs[static_cast<size_t>(gi)]);
      specs[static_cast<size_t>(gi)]->split(c.split);  // load the states once, before the workers
    }
    return *specs[static_cast<size_t>(gi)];
  };
  auto complete = [&](int gi) {
    const Group& g = groups[static_cast<size_t>(gi)];
    nlohmann::json summary = Assemble(g, spec_of(gi), c);
    Finish(g, summary);
    spdlog::info("{}: {} demos, {} failed", g.file.string(), summary["demos"].size(), summary["failures"].size());
    summaries[static_cast<size_t>(gi)] = std::move(summary);
  };
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    if (!summaries[gi]) spec_of(static_cast<int>(gi));  // every spec the workers use exists before they start
    if (!summaries[gi] && remaining[gi] == 0) complete(static_cast<int>(gi));
  }

  bool render = !c.cameras.empty();
  const bool learner = !c.learner.name.empty();
  eval::EpisodeRunOptions learner_run;
  if (learner) {  // the learner's protocol and inputs, checked before any episode runs
    const auto probe = policies::CreatePolicy(c.learner.name, c.learner.params);
    const envs::ObservationOptions wanted = probe->observation_options();
    render = render || wanted.agentview || wanted.wrist;
    learner_run.replan_interval =
        c.learner.replan_interval > 0 ? c.learner.replan_interval : probe->protocol().replan_interval;
    spdlog::info("DAgger: learner {} replans every {} actions; the expert labels every state it visits",
                 c.learner.name, learner_run.replan_interval > 0 ? fmt::to_string(learner_run.replan_interval)
                                                                 : std::string("chunk's"));
  }
  const DemoRecordOptions record{c.image_size, Has(c.cameras, "agentview"), Has(c.cameras, "eye_in_hand"),
                                 c.action_noise, c.chunk_horizon};
  const envs::RenderBackend backend = envs::ParseRenderBackend(c.renderer);
  if (stats.resumed > 0) spdlog::info("resuming: {} of {} episodes already finished", stats.resumed, stats.planned);
  const auto start = std::chrono::steady_clock::now();
  {
    Progress progress("collect", static_cast<int64_t>(pending.size()), "episodes");
    RunOnWorkers(
        static_cast<int>(pending.size()), c.workers,
        [&](int) {
          WorkerContext context;
          if (render) context.renderer = std::make_unique<envs::Renderer>(backend);
          if (learner) context.learner = policies::CreatePolicy(c.learner.name, c.learner.params);
          return context;
        },
        [&](WorkerContext& context, int item) {
          const auto [gi, init] = pending[static_cast<size_t>(item)];
          const Group& g = groups[static_cast<size_t>(gi)];
          const EpisodeId id{c.suite, g.task, c.split, g.embodiment, init, static_cast<uint64_t>(c.seed + init)};
          const EnvSpec& spec = *specs[static_cast<size_t>(gi)];
          const ScriptedExpert& expert = *experts[static_cast<size_t>(gi)];
          const DemoEpisode demo =
              learner ? RecordLearnerDemo(spec, expert, *context.learner, id, record, learner_run,
                                          c.learner.label_every, context.renderer.get(), context.state)
                      : RecordExpertDemo(spec, expert, id, record, context.renderer.get(), context.state);
          if (!demo.success && !learner) {
            spdlog::warn("{}: expert failed ({}{}{})", id.ToString(), demo.failure,
                         demo.failure_detail.empty() ? "" : ": ", demo.failure_detail);
          }
          return EncodeDemoPart(demo);
        },
        [&](int item, std::string&& bytes) {
          const auto [gi, init] = pending[static_cast<size_t>(item)];
          WriteFileAtomic(groups[static_cast<size_t>(gi)].Part(init), bytes);
          ++stats.ran;
          progress.Advance();
          if (--remaining[static_cast<size_t>(gi)] == 0) complete(gi);
        });
    progress.Finish();
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nlohmann::json files = nlohmann::json::array();
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const nlohmann::json& summary = *summaries[gi];
    stats.kept += static_cast<int>(summary["demos"].size());
    for (const auto& demo : summary["demos"]) stats.solved += demo.value("learner_success", true) ? 1 : 0;
    for (const auto& failure : summary["failures"]) {
      ++stats.failed;
      ++stats.failures[failure["reason"].get<std::string>()];
    }
    stats.files.push_back(groups[gi].file);
    files.push_back(summary);
  }
  const nlohmann::json report = {{"suite", c.suite},
                                 {"split", c.split},
                                 {"planned", stats.planned},
                                 {"learner", c.learner.name},
                                 {"kept", stats.kept},
                                 {"solved", stats.solved},
                                 {"failed", stats.failed},
                                 {"failures", stats.failures},
                                 {"files", files}};
  WriteFileAtomic(out / "collect_summary.json", report.dump(2) + "\n");
  return stats;
}

}  // namespace fb::collect
