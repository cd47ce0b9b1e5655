#include "envs/expert.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/worker_pool.h"
#include "envs/task_spec.h"

namespace fb::envs {
namespace {

constexpr double kRequiredRate = 0.95;

// Episodes per task x embodiment; FB_EXPERT_EPISODES raises it for the full table.
int EpisodesPerCell() {
  const char* env = std::getenv("FB_EXPERT_EPISODES");
  return env != nullptr && *env != '\0' ? std::atoi(env) : 8;
}

// One task x embodiment of a suite; specs and experts are built on the test thread and
// shared read-only by the workers.
struct Cell {
  std::string task, embodiment;
  std::unique_ptr<const EnvSpec> spec;
  std::unique_ptr<const ScriptedExpert> expert;
  int successes = 0;
};

struct Outcome {
  bool success = false;
  std::string failure;  // "<episode id> (<failure> at step <n>)" when it failed
};

class ExpertSuccessTest : public testing::TestWithParam<std::string> {};

// The success table of the scripted expert on the `id` split of every built-in suite, so new
// suites join without a change here.
TEST_P(ExpertSuccessTest, SucceedsOnIdSplit) {
  const std::string& suite_name = GetParam();
  const SuiteConfig suite = LoadSuite(suite_name);
  const int episodes = EpisodesPerCell();
  ASSERT_GT(episodes, 0);
  std::vector<Cell> cells;
  for (const std::string& task : suite.tasks) {
    for (const std::string& embodiment : suite.embodiments) {
      Cell cell{task, embodiment, EnvSpec::Create(suite_name, task, embodiment), nullptr, 0};
      cell.expert = std::make_unique<const ScriptedExpert>(*cell.spec);
      cells.push_back(std::move(cell));
    }
  }

  const int count = static_cast<int>(cells.size()) * episodes;
  std::vector<std::string> failures;
  RunOnWorkers(
      count, static_cast<int>(std::thread::hardware_concurrency()), [](int) { return EpisodeState{}; },
      [&](EpisodeState& state, int item) {
        const Cell& cell = cells[static_cast<size_t>(item / episodes)];
        const int init = item % episodes;
        const EpisodeId id{suite_name, cell.task, "id", cell.embodiment, init, static_cast<uint64_t>(init)};
        const StepResult result = RunExpertEpisode(*cell.spec, *cell.expert, id, state);
        return Outcome{result.success_once,
                       result.success_once ? "" : fmt::format("{} ({} at step {})", id.ToString(),
                                                              FailureName(result.failure), result.step)};
      },
      [&](int item, Outcome&& outcome) {
        if (outcome.success) ++cells[static_cast<size_t>(item / episodes)].successes;
        else failures.push_back(std::move(outcome.failure));
      });

  std::sort(failures.begin(), failures.end());
  int successes = 0;
  std::vector<std::string> below;
  std::string table = fmt::format("\nexpert success, suite {}, split id, {} episodes per cell\n{:<50}", suite_name,
                                  episodes, "task");
  for (const std::string& embodiment : suite.embodiments) table += fmt::format("{:>12}", embodiment);
  for (size_t i = 0; i < cells.size(); ++i) {
    const Cell& cell = cells[i];
    if (i % suite.embodiments.size() == 0) table += fmt::format("\n{:<50}", cell.task);
    table += fmt::format("{:>12}", fmt::format("{}/{}", cell.successes, episodes));
    successes += cell.successes;
    // Per cell the rate rounded down to whole episodes (8 per cell: at most one failure), so
    // a task that fails on one embodiment cannot hide in the suite's total.
    if (cell.successes < std::floor(kRequiredRate * episodes)) {
      below.push_back(fmt::format("{} on {}", cell.task, cell.embodiment));
    }
  }
  table += fmt::format("\noverall {}/{} = {:.1f}%\n", successes, count, 100.0 * successes / count);
  for (const std::string& failure : failures) table += fmt::format("  failed: {}\n", failure);
  for (const std::string& cell : below) table += fmt::format("  below {:.0f}%: {}\n", 100 * kRequiredRate, cell);
  std::printf("%s", table.c_str());
  EXPECT_GE(successes, kRequiredRate * count) << "suite " << suite_name;
  EXPECT_TRUE(below.empty()) << "suite " << suite_name << ": " << below.size() << " task x embodiment cells below "
                             << std::floor(kRequiredRate * episodes) << "/" << episodes;
}

// GoogleTest names allow only letters, digits and '_'.
std::string TestName(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(BuiltinSuites, ExpertSuccessTest, testing::ValuesIn(BuiltinSuites()), TestName);

// Episodes where the expert, after putting the first block in the bowl or on the plate, dove
// diagonally from there at the second block (the approach was skipped), dragging the first
// block out of the bowl or pushing the second one away.
TEST(ExpertSecondPickTest, DescendsOnlyFromAboveTheNextObject) {
  const struct {
    std::string task;
    int init;
  } kCases[] = {{"long_blue_block_in_bowl_then_red_block_on_plate", 23},
                {"long_blue_block_in_bowl_then_red_block_on_plate", 30},
                {"long_blue_block_on_plate_red_block_in_bowl", 33},
                {"long_blue_block_on_plate_red_block_in_bowl", 39}};
  for (const auto& c : kCases) {
    SCOPED_TRACE(fmt::format("{} init {}", c.task, c.init));
    const auto spec = EnvSpec::Create("long", c.task, "panda");
    const ScriptedExpert expert(*spec);
    const int second = spec->object_index(spec->task().expert[1].pick);
    const int body = spec->object_body(second);
    EpisodeState state;
    Reset(*spec, EpisodeId{"long", c.task, "id", "panda", c.init, static_cast<uint64_t>(c.init)}, state);
    ExpertState memory;
    expert.Reset(*spec, state, memory);
    double worst_xy = 0;  // farthest from the second block while low and open, before its grasp
    bool closed = false;
    while (!state.done) {
      const std::vector<double> action = expert.Act(*spec, state, memory);
      closed = closed || (memory.arms[0].plan_step == 1 && action[6] > 0);
      double eef[3], quat[4];
      spec->controller().EefPose(state.data.get(), 0, eef, quat);
      const double* obj = state.data->xpos + 3 * body;
      double lo, hi;
      WorldZRange(state.data.get(), body, spec->object_box(second), &lo, &hi);
      if (memory.arms[0].plan_step == 1 && !closed && eef[2] < hi + 0.03) {
        worst_xy = std::max(worst_xy, std::hypot(eef[0] - obj[0], eef[1] - obj[1]));
      }
      Step(*spec, action, state);
    }
    EXPECT_TRUE(state.success_once);
    EXPECT_LT(worst_xy, 0.02);
  }
}

}  // namespace
}  // namespace fb::envs
