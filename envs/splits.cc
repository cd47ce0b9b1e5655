#include "envs/splits.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/config/builtin_configs.h"
#include "core/config/document.h"
#include "core/error.h"
#include "envs/env.h"
#include "envs/mujoco_errors.h"

namespace fb::envs {
namespace {

constexpr std::string_view kSplitDir = "splits/";
constexpr int kPlacementAttempts = 500;      // per object, as Reset did before the files existed
constexpr int kCandidatesPerState = 20;      // give up after num_states * this many candidates
constexpr double kDropClearance = 0.001;     // m between an object's bottom and the table
constexpr double kMaxSettleMotion = 0.005;   // m an object may move while settling
constexpr double kRound = 1e6;               // positions and quaternions rounded to 1e-6

uint64_t Fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// SplitMix64, identical to the stream env.cc used for placements before the files existed.
class Stream final {
 public:
  explicit Stream(uint64_t seed) : k_state_(seed) {}
  uint64_t Next() {
    uint64_t z = (k_state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Uniform(double lo, double hi) {
    const double u = static_cast<double>(Next() >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * u;
  }

 private:
  uint64_t k_state_;
};

double Round(double v) {
  const double r = std::round(v * kRound) / kRound;
  return r == 0 ? 0.0 : r;  // no "-0"
}

bool Inside(double v, const std::vector<double>& range) { return v >= range[0] && v <= range[1]; }

// One candidate: poses (objects x 7) or empty when the objects could not be placed apart.
std::vector<double> SampleCandidate(const EnvSpec& spec, const SplitConfig& split, int candidate) {
  const TaskConfig& task = spec.task();
  Stream place(Fnv1a(fmt::format("{}/{}/{}", task.name, split.name, candidate)));
  const bool outside = split.placement == "outside_train_regions";
  const double mg = outside ? split.margin : 0.0;
  std::vector<std::array<double, 3>> placed;  // x, y, footprint radius
  std::vector<double> poses;
  for (int i = 0; i < spec.num_objects(); ++i) {
    const ObjectConfig& object = task.objects[static_cast<size_t>(i)];
    const double radius = FootprintRadius(spec.object_box(i));
    double x = 0, y = 0, yaw = 0;
    bool ok = false;
    for (int attempt = 0; attempt < kPlacementAttempts && !ok; ++attempt) {
      x = Round(place.Uniform(object.x[0] - mg, object.x[1] + mg));
      y = Round(place.Uniform(object.y[0] - mg, object.y[1] + mg));
      yaw = place.Uniform(object.yaw[0], object.yaw[1]);
      ok = !(outside && Inside(x, object.x) && Inside(y, object.y));
      for (const auto& p : placed) {
        if (std::hypot(x - p[0], y - p[1]) < radius + p[2] + task.min_separation) ok = false;
      }
    }
    if (!ok) return {};
    placed.push_back({x, y, radius});
    const double z = Round(spec.table_z() - spec.object_box(i).lo[2] + kDropClearance);
    poses.insert(poses.end(), {x, y, z, Round(std::cos(yaw / 2)), 0.0, 0.0, Round(std::sin(yaw / 2))});
  }
  return poses;
}

[[noreturn]] void Stale(const InitStates& s, const std::string& what) {
  throw InputError(fmt::format("{}: {}; regenerate the initial states with: {}", s.path.string(), what,
                               RegenerateCommand(s.suite)));
}

}  // namespace

SplitConfig LoadSplit(std::string_view name) {
  const std::string file = fmt::format("{}{}.yaml", kSplitDir, name);
  if (!config::BuiltinConfig(file)) {
    throw InputError(fmt::format("unknown split '{}'; known: {}", name, fmt::join(BuiltinSplits(), ", ")));
  }
  SplitConfig split;
  config::Apply(config::LoadBuiltin(file), split, /*complete=*/true);
  if (split.name != name) {
    throw InputError(fmt::format("configs/{}: name '{}' differs from the file name", file, split.name));
  }
  return split;
}

std::vector<std::string> BuiltinSplits() { return config::BuiltinConfigStemsIn(kSplitDir); }

const std::vector<std::string>& SplitInstructions(const TaskConfig& task, const SplitConfig& split) {
  if (split.instructions == "heldout_instructions") {
    if (task.heldout_instructions.empty()) {
      throw InputError(fmt::format("split '{}' needs heldout_instructions, which task '{}' (configs/tasks/{}.yaml) "
                                   "does not have",
                                   split.name, task.name, task.name));
    }
    return task.heldout_instructions;
  }
  return task.instructions;
}

std::string TaskPlacementHash(const TaskConfig& task) {
  std::string text;
  for (const ObjectConfig& o : task.objects) {
    text += fmt::format("{} {} x{:.17g},{:.17g} y{:.17g},{:.17g} yaw{:.17g},{:.17g}\n", o.name, o.kind, o.x[0], o.x[1],
                        o.y[0], o.y[1], o.yaw[0], o.yaw[1]);
  }
  text += fmt::format("min_separation {:.17g}\nsettle_steps {}\n", task.min_separation, task.settle_steps);
  return config::HashText(text);
}

std::string SplitHash(const SplitConfig& split) { return config::HashText(config::Dump(split)); }

std::filesystem::path InitStatePath(const std::string& suite, const std::string& task, const std::string& split) {
  return AssetsDir() / "init_states" / suite / task / (split + ".json");
}

std::string RegenerateCommand(const std::string& suite) {
  return fmt::format("fasterbench splits generate --suite {}", suite);
}

InitStates LoadInitStates(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw InputError(fmt::format("{}: cannot read the initial-state file; generate it with: fasterbench splits "
                                 "generate",
                                 path.string()));
  }
  InitStates s;
  s.path = path;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    s.format_version = j.at("format_version").get<int>();
    if (s.format_version != kInitStateFormatVersion) {
      throw InputError(fmt::format("{}: format_version {} is not {}", path.string(), s.format_version,
                                   kInitStateFormatVersion));
    }
    s.generator_version = j.at("generator_version").get<int>();
    s.suite = j.at("suite").get<std::string>();
    s.task = j.at("task").get<std::string>();
    s.split = j.at("split").get<std::string>();
    s.task_hash = j.at("task_hash").get<std::string>();
    s.split_hash = j.at("split_hash").get<std::string>();
    s.objects = j.at("objects").get<std::vector<std::string>>();
    s.states = j.at("states").get<std::vector<std::vector<double>>>();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not a valid initial-state file: {}", path.string(), e.what()));
  }
  for (size_t i = 0; i < s.states.size(); ++i) {
    if (s.states[i].size() != 7 * s.objects.size()) {
      throw InputError(fmt::format("{}: states[{}] has {} values, expected {} (7 per object)", path.string(), i,
                                   s.states[i].size(), 7 * s.objects.size()));
    }
  }
  return s;
}

void CheckInitStatesMatch(const InitStates& s, const TaskConfig& task, const SplitConfig& split) {
  if (s.task != task.name || s.split != split.name) {
    Stale(s, fmt::format("holds states of task '{}' split '{}', not '{}' split '{}'", s.task, s.split, task.name,
                         split.name));
  }
  const std::string hash = TaskPlacementHash(task);
  if (s.task_hash != hash) {
    Stale(s, fmt::format("was generated for other placement settings of task '{}' (file task_hash {}, current {})",
                         task.name, s.task_hash, hash));
  }
  if (s.split_hash != SplitHash(split)) {
    Stale(s, fmt::format("was generated for another definition of split '{}' (file split_hash {}, current {})",
                         split.name, s.split_hash, SplitHash(split)));
  }
  std::vector<std::string> names;
  for (const ObjectConfig& o : task.objects) names.push_back(o.name);
  if (s.objects != names) {
    Stale(s, fmt::format("objects [{}] differ from the task's [{}]", fmt::join(s.objects, ", "),
                         fmt::join(names, ", ")));
  }
}

void ApplyObjectPoses(const EnvSpec& spec, const std::vector<double>& poses, double* qpos, double* qvel) {
  for (int i = 0; i < spec.num_objects(); ++i) {
    std::copy_n(poses.begin() + 7 * i, 7, qpos + spec.object_qpos_adr(i));
    std::fill_n(qvel + spec.object_dof_adr(i), 6, 0.0);
  }
}

InitStates GenerateInitStates(const EnvSpec& spec, const SplitConfig& split) {
  const TaskConfig& task = spec.task();
  InitStates out;
  out.suite = spec.suite();
  out.task = task.name;
  out.split = split.name;
  out.task_hash = TaskPlacementHash(task);
  out.split_hash = SplitHash(split);
  for (const ObjectConfig& o : task.objects) out.objects.push_back(o.name);

  const mjModel* m = spec.model();
  const int table = mj_name2id(m, mjOBJ_GEOM, "table_top");
  const double* tpos = m->geom_pos + 3 * table;
  const double* tsize = m->geom_size + 3 * table;
  DataPtr data = MakeData(m);
  mjData* d = data.get();
  std::set<std::vector<double>> seen;
  const int max_candidates = split.num_states * kCandidatesPerState;
  int candidate = 0;
  for (; candidate < max_candidates && static_cast<int>(out.states.size()) < split.num_states; ++candidate) {
    std::vector<double> poses = SampleCandidate(spec, split, candidate);
    if (poses.empty() || seen.count(poses)) continue;
    bool ok = true;
    for (int i = 0; i < spec.num_objects() && ok; ++i) {  // footprint on the table
      const double r = FootprintRadius(spec.object_box(i));
      ok = std::abs(poses[7 * i] - tpos[0]) + r <= tsize[0] && std::abs(poses[7 * i + 1] - tpos[1]) + r <= tsize[1];
    }
    if (!ok) continue;
    ResetToHome(spec.embodiment(), m, d);
    ApplyObjectPoses(spec, poses, d->qpos, d->qvel);
    mj_forward(m, d);
    for (int s = 0; s < task.settle_steps * spec.substeps(); ++s) mj_step(m, d);
    ok = DataWarningCount(d) == 0;
    for (int i = 0; i < spec.num_objects() && ok; ++i) {  // settles in place
      const double* q = d->qpos + spec.object_qpos_adr(i);
      const double* p = poses.data() + 7 * i;
      ok = std::isfinite(q[0]) && std::hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]) <= kMaxSettleMotion;
    }
    if (!ok) continue;
    seen.insert(poses);
    out.states.push_back(std::move(poses));
  }
  if (static_cast<int>(out.states.size()) < split.num_states) {
    throw InputError(fmt::format("task '{}' split '{}': only {} of {} initial states passed the checks after {} "
                                 "candidates; widen the placement ranges or lower min_separation",
                                 task.name, split.name, out.states.size(), split.num_states, candidate));
  }
  return out;
}

std::string InitStatesToJson(const InitStates& s) {
  std::string text = "{\n";
  text += fmt::format(
      "\"comment\": \"Initial states of {}/{} split {}: generated by `{}` (format {}, generator {}); do not edit. "
      "Each state: per object x y z qw qx qy qz (world metres), settled in place. Regenerate after changing the "
      "task's objects, min_separation or settle_steps, or the split.\",\n",
      s.suite, s.task, s.split, RegenerateCommand(s.suite), s.format_version, s.generator_version);
  const nlohmann::json objects = s.objects;
  text += fmt::format(
      "\"format_version\": {},\n\"generator_version\": {},\n\"suite\": \"{}\",\n\"task\": \"{}\",\n\"split\": "
      "\"{}\",\n\"task_hash\": \"{}\",\n\"split_hash\": \"{}\",\n\"objects\": {},\n\"states\": [\n",
      s.format_version, s.generator_version, s.suite, s.task, s.split, s.task_hash, s.split_hash, objects.dump());
  for (size_t i = 0; i < s.states.size(); ++i) {
    std::vector<std::string> values;
    for (double v : s.states[i]) values.push_back(fmt::format("{}", Round(v)));
    text += fmt::format("[{}]{}\n", fmt::join(values, ","), i + 1 < s.states.size() ? "," : "");
  }
  text += "]\n}\n";
  return text;
}

std::filesystem::path WriteInitStates(const InitStates& s) {
  const std::filesystem::path path = InitStatePath(s.suite, s.task, s.split);
  WriteFileAtomic(path, InitStatesToJson(s));
  return path;
}

}  // namespace fb::envs
