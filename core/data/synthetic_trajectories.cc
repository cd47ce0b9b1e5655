#include "core/data/synthetic_trajectories.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/data/portable_random.h"
#include "core/error.h"
#include "core/interrupt.h"

namespace fb::data {
namespace {

using Pose = std::array<double, 6>;  // x, y, z (m), roll, pitch, yaw (rad)

constexpr double kOpen = -1.0;   // robosuite's gripper convention: -1 open, +1 closed
constexpr double kClosed = 1.0;
constexpr double kTurnRate = 0.8;     // rad/s of a deliberate wrist turn
constexpr double kMinMoveSeconds = 0.5;
constexpr double kRotationNoisePerMetre = 5.0;

struct Segment {
  Pose target;
  double seconds = 0;
  double gripper = kOpen;  // commanded throughout the segment
};

struct ArmPlan {
  Pose start{};
  std::vector<Segment> segments;

  double seconds() const {
    double total = 0;
    for (const Segment& segment : segments) total += segment.seconds;
    return total;
  }
};

// Poses (steps + 1) and the gripper command of each step (steps).
struct ArmTrack {
  std::vector<Pose> poses;
  std::vector<double> gripper;
};

// Reach above the object, descend, grasp, lift, carry, descend, release, retreat, with
// short random holds before each move as a teleoperator pauses. Every draw is its own
// statement or a braced list, whose order C++ fixes, so the plan is the same for all
// compilers.
ArmPlan PlanPickAndPlace(const EmbodimentStyle& style, PortableRandom& random) {
  ArmPlan plan;
  plan.start = {0.02 * random.Normal(), 0.02 * random.Normal(), style.hover_m + random.Uniform(0.02, 0.08),
                0.03 * random.Normal(), 0.03 * random.Normal(), random.Uniform(-0.2, 0.2)};
  const double object_x = random.Uniform(-style.reach_m, style.reach_m);
  const double object_y = random.Uniform(-style.reach_m, style.reach_m);
  const double heading = random.Uniform(0.0, 2.0 * std::numbers::pi);
  const double distance = random.Uniform(0.5, 1.0) * style.reach_m;
  const double place_x = std::clamp(object_x + distance * std::cos(heading), -style.reach_m, style.reach_m);
  const double place_y = std::clamp(object_y + distance * std::sin(heading), -style.reach_m, style.reach_m);
  const double grasp_yaw = random.Uniform(-style.turn_rad, style.turn_rad);
  const double place_yaw = random.Uniform(-style.turn_rad, style.turn_rad);

  Pose current = plan.start;
  double gripper = kOpen;
  auto pose = [&](double x, double y, double z, double yaw) {
    return Pose{x, y, z, 0.03 * random.Normal(), 0.03 * random.Normal(), yaw};
  };
  auto hold = [&](double seconds) { plan.segments.push_back({current, seconds, gripper}); };
  auto move = [&](const Pose& target) {
    hold(random.Uniform(0.0, 0.25));
    const double length = std::hypot(target[0] - current[0], target[1] - current[1], target[2] - current[2]);
    double turn = 0;
    for (int d = 3; d < 6; ++d) turn = std::max(turn, std::abs(target[d] - current[d]));
    const double seconds = std::max({kMinMoveSeconds, length / style.speed_mps * random.Uniform(0.85, 1.2), turn / kTurnRate});
    plan.segments.push_back({target, seconds, gripper});
    current = target;
  };

  move(pose(object_x, object_y, style.hover_m + random.Uniform(0.0, 0.03), grasp_yaw));
  move(pose(object_x, object_y, random.Uniform(0.0, 0.02), grasp_yaw));
  gripper = kClosed;
  hold(random.Uniform(0.3, 0.6));
  move(pose(object_x, object_y, style.hover_m + random.Uniform(0.0, 0.05), grasp_yaw));
  move(pose(place_x, place_y, style.hover_m + random.Uniform(0.0, 0.05), place_yaw));
  move(pose(place_x, place_y, random.Uniform(0.02, 0.05), place_yaw));
  gripper = kOpen;
  hold(random.Uniform(0.2, 0.5));
  move(pose(place_x, place_y, style.hover_m + random.Uniform(0.03, 0.08), place_yaw));
  return plan;
}

// Minimum-jerk profile: zero velocity and acceleration at both ends of every move.
double MinimumJerk(double tau) { return tau * tau * tau * (10.0 + tau * (-15.0 + 6.0 * tau)); }

// Retimes `plan` to exactly `steps` control steps. Rounding the cumulative time keeps
// the total exact; a move left with zero steps is skipped, never jumped.
ArmTrack Track(const ArmPlan& plan, int64_t steps) {
  ArmTrack track;
  track.poses.push_back(plan.start);
  const double scale = static_cast<double>(steps) / plan.seconds();
  double elapsed = 0;
  int64_t done = 0;
  for (const Segment& segment : plan.segments) {
    elapsed += segment.seconds;
    const int64_t end = std::llround(elapsed * scale);
    const Pose from = track.poses.back();
    for (int64_t k = 1; k <= end - done; ++k) {
      const double s = MinimumJerk(static_cast<double>(k) / static_cast<double>(end - done));
      Pose pose;
      for (size_t d = 0; d < pose.size(); ++d) pose[d] = from[d] + (segment.target[d] - from[d]) * s;
      track.poses.push_back(pose);
      track.gripper.push_back(segment.gripper);
    }
    done = end;
  }
  return track;
}

// Teleoperation wobble: white noise through two first-order low-pass stages, scaled to
// unit stationary variance, so it adds drift without adding much jerk.
class SmoothNoise final {
 public:
  double Next(PortableRandom& random) {
    k_fast_ = kPole * k_fast_ + kInput * random.Normal();
    k_slow_ = kPole * k_slow_ + kInput * k_fast_;
    return k_slow_ * kGain;
  }

 private:
  static constexpr double kPole = 0.9;
  static constexpr double kInput = 0.4358898943540673;  // sqrt(1 - pole^2)
  static constexpr double kGain = 0.323994406881674;    // sqrt((1 - pole^2) / (1 + pole^2))
  double k_fast_ = 0;
  double k_slow_ = 0;
};

// Per-step pose differences plus wobble, and the gripper, into columns
// [column, column + 7) of `actions` (steps x dims).
void WriteDeltaEef(const ArmTrack& track, const EmbodimentStyle& style, PortableRandom& random, int dims, int column,
                   std::vector<float>& actions) {
  std::array<SmoothNoise, 6> noise;
  for (size_t t = 0; t < track.gripper.size(); ++t) {
    float* row = actions.data() + t * static_cast<size_t>(dims) + column;
    for (size_t d = 0; d < 6; ++d) {
      const double scale = d < 3 ? style.noise_m : style.noise_m * kRotationNoisePerMetre;
      row[d] = static_cast<float>(track.poses[t + 1][d] - track.poses[t][d] + scale * noise[d].Next(random));
    }
    row[6] = static_cast<float>(track.gripper[t]);
  }
}

// A fixed smooth map from end-effector pose to joint angles (a linear part plus a
// bend), drawn from the embodiment name alone, so one robot's joints move alike across
// seeds and episodes.
class JointMap final {
 public:
  JointMap(std::string_view embodiment, int joints) : k_joints_(joints) {
    uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a: std::hash differs between libraries
    for (char c : embodiment) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    PortableRandom random(MixSeed(hash));
    for (int j = 0; j < joints; ++j) {
      k_home_.push_back(0.8 * std::sin(1.7 * j + 0.3));
      for (int d = 0; d < 6; ++d) {
        const double reach = d < 3 ? 1.5 : 0.6;  // rad per metre, rad per rad
        k_linear_.push_back(random.Uniform(-reach, reach));
        k_bend_.push_back(random.Uniform(-reach, reach));
      }
    }
  }

  void Apply(const Pose& pose, float* joints) const {
    for (int j = 0; j < k_joints_; ++j) {
      double linear = 0;
      double bend = 0;
      for (int d = 0; d < 6; ++d) {
        linear += k_linear_[j * 6 + d] * pose[d];
        bend += k_bend_[j * 6 + d] * pose[d];
      }
      joints[j] = static_cast<float>(k_home_[j] + linear + 0.2 * std::sin(bend));
    }
  }

 private:
  int k_joints_;
  std::vector<double> k_home_;
  std::vector<double> k_linear_;  // (joints x 6)
  std::vector<double> k_bend_;    // (joints x 6)
};

EmbodimentStyle ResolveStyle(const SyntheticOptions& options) {
  EmbodimentStyle style = options.style ? *options.style : StyleFor(options.embodiment);
  if (options.joints > 0) style.joints = options.joints;
  return style;
}

}  // namespace

EmbodimentStyle StyleFor(std::string_view embodiment) {
  // Reach and speed follow the arms' sizes: a UR5e sweeps a wide table quickly, a
  // WidowX works a small tray slowly; ALOHA's ViperX arms sit in between.
  if (embodiment == "panda") return {0.25, 0.12, 0.15, 0.8, 0.0004, 7};
  if (embodiment == "ur5e") return {0.40, 0.18, 0.25, 1.2, 0.0006, 6};
  if (embodiment == "widowx") return {0.12, 0.07, 0.06, 0.5, 0.0003, 6};
  if (embodiment == "aloha") return {0.15, 0.08, 0.10, 0.6, 0.0003, 6};
  throw InputError("embodiment '" + std::string(embodiment) +
                   "' has no synthetic style; use panda, ur5e, widowx or aloha, or set SyntheticOptions::style");
}

void SyntheticOptions::Check() const {
  if (episodes < 0) throw InputError("synthetic episodes is " + std::to_string(episodes) + ", must be >= 0");
  if (min_steps < 1 || max_steps < min_steps) {
    throw InputError("synthetic steps range [" + std::to_string(min_steps) + ", " + std::to_string(max_steps) +
                     "] is invalid; need 1 <= min_steps <= max_steps");
  }
  if (joints < 0 || joints > 32) throw InputError("synthetic joints is " + std::to_string(joints) + ", must be in [0, 32]");
  if (action_space != "delta_eef" && action_space != "joint_position" && action_space != "bimanual_delta_eef") {
    throw InputError("synthetic action space '" + action_space +
                     "' is unknown; use delta_eef, joint_position or bimanual_delta_eef");
  }
  const EmbodimentStyle style = ResolveStyle(*this);
  if (!(style.reach_m > 0 && style.hover_m > 0 && style.speed_mps > 0 && style.turn_rad >= 0 && style.noise_m >= 0) ||
      style.joints < 1 || style.joints > 32) {
    throw InputError("synthetic style for '" + embodiment +
                     "' needs positive reach_m, hover_m and speed_mps, non-negative turn_rad and noise_m, and 1-32 joints");
  }
}

Episode GenerateSyntheticEpisode(const SyntheticOptions& options, int64_t index) {
  options.Check();
  const EmbodimentStyle style = ResolveStyle(options);
  PortableRandom random(MixSeed(options.seed ^ MixSeed(static_cast<uint64_t>(index))));
  const bool bimanual = options.action_space == "bimanual_delta_eef";
  std::vector<ArmPlan> plans;
  for (int arm = 0; arm < (bimanual ? 2 : 1); ++arm) plans.push_back(PlanPickAndPlace(style, random));
  double seconds = 0;
  for (const ArmPlan& plan : plans) seconds = std::max(seconds, plan.seconds());

  Episode episode;
  episode.embodiment = options.embodiment;
  episode.action_space = options.action_space;
  episode.source = "synthetic:seed=" + std::to_string(options.seed) + "/episode_" + std::to_string(index);
  episode.steps = std::clamp<int64_t>(std::llround(seconds * kSyntheticControlHz), options.min_steps, options.max_steps);
  episode.dims = bimanual ? 14 : options.action_space == "joint_position" ? style.joints + 1 : 7;
  episode.actions.resize(static_cast<size_t>(episode.steps * episode.dims));

  if (options.action_space == "joint_position") {
    const ArmTrack track = Track(plans.front(), episode.steps);
    const JointMap map(options.embodiment, style.joints);
    std::vector<SmoothNoise> noise(static_cast<size_t>(style.joints));
    for (int64_t t = 0; t < episode.steps; ++t) {
      float* row = episode.actions.data() + t * episode.dims;
      map.Apply(track.poses[static_cast<size_t>(t) + 1], row);
      for (int j = 0; j < style.joints; ++j) row[j] += static_cast<float>(2.0 * style.noise_m * noise[j].Next(random));
      row[style.joints] = static_cast<float>(track.gripper[static_cast<size_t>(t)]);
    }
  } else {
    for (size_t arm = 0; arm < plans.size(); ++arm) {
      WriteDeltaEef(Track(plans[arm], episode.steps), style, random, episode.dims, static_cast<int>(7 * arm),
                    episode.actions);
    }
  }
  return episode;
}

ActionDataset GenerateSyntheticDataset(const SyntheticOptions& options) {
  options.Check();
  ActionDataset dataset;
  dataset.name = "synthetic_" + options.embodiment + "_" + options.action_space + "_seed" + std::to_string(options.seed);
  for (int i = 0; i < options.episodes; ++i) {
    ThrowIfInterrupted();
    dataset.episodes.push_back(GenerateSyntheticEpisode(options, i));
  }
  return dataset;
}

}  // namespace fb::data
