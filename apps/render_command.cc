// `fasterbench render`: a PNG of a task's initial state and a video of a scripted-expert
// episode from the same camera, so a person can check a task by eye.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <spdlog/spdlog.h>

#include "apps/command.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "envs/env.h"
#include "envs/expert.h"
#include "envs/renderer.h"

namespace fb::apps {
namespace {

namespace fs = std::filesystem;

struct RenderOptions {
  std::string suite;
  std::string task;
  std::string embodiment;
  int init = 0;
  int64_t seed = 0;
  std::string split = "id";
  int size = 256;
  std::string camera = "agentview";
  int max_frames = 0;  // 0 = the whole episode
  std::string renderer = "osmesa";
  std::string out;
};

// A BGR copy of an RGB image, as OpenCV's writers expect.
cv::Mat ToBgr(const envs::RgbImage& image) {
  const cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.pixels.data()));
  cv::Mat bgr;
  cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
  return bgr;
}

void WritePng(const fs::path& path, const envs::RgbImage& image) {
  std::vector<uint8_t> png;
  if (!cv::imencode(".png", ToBgr(image), png)) throw std::runtime_error("cannot encode PNG for '" + path.string() + "'");
  WriteFileAtomic(path, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

// A video written to a temporary file beside its target (same extension, so OpenCV picks the
// same container) and renamed onto it by Commit(); removed when destroyed uncommitted.
class AtomicVideo final {
 public:
  AtomicVideo(const fs::path& dir, const std::string& stem, double fps, int size) {
    if (Open(dir, stem + ".mp4", cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, size)) return;
    spdlog::warn("cannot open an MP4 (mp4v) video writer; falling back to AVI with MJPG");
    if (!Open(dir, stem + ".avi", cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), fps, size)) {
      throw std::runtime_error("cannot open a video writer for '" + (dir / stem).string() +
                               ".mp4' (mp4v) or '.avi' (MJPG): OpenCV has no usable video backend");
    }
    fell_back_ = true;
  }
  ~AtomicVideo() {
    if (committed_) return;
    writer_.release();
    std::error_code ignored;
    fs::remove(temp_, ignored);
  }
  AtomicVideo(const AtomicVideo&) = delete;
  AtomicVideo& operator=(const AtomicVideo&) = delete;

  void Write(const envs::RgbImage& image) {
    writer_.write(ToBgr(image));
    ++frames_;
  }
  void Commit() {
    writer_.release();
    if (!fs::exists(temp_) || fs::file_size(temp_) == 0) {
      throw std::runtime_error("video writer produced no data for '" + path_.string() + "'");
    }
    SyncPath(temp_);
    fs::rename(temp_, path_);
    SyncPath(path_.parent_path());
    committed_ = true;
  }
  const fs::path& path() const { return path_; }
  bool fell_back() const { return fell_back_; }
  int frames() const { return frames_; }

 private:
  bool Open(const fs::path& dir, const std::string& name, int fourcc, double fps, int size) {
    path_ = dir / name;
    temp_ = dir / (".tmp." + std::to_string(::getpid()) + "." + name);
    if (writer_.open(temp_.string(), fourcc, fps, cv::Size(size, size), true) && writer_.isOpened()) return true;
    writer_.release();
    std::error_code ignored;
    fs::remove(temp_, ignored);
    return false;
  }

  cv::VideoWriter writer_;
  fs::path path_;
  fs::path temp_;
  bool fell_back_ = false;
  bool committed_ = false;
  int frames_ = 0;
};

int RunRender(const RenderOptions& o) {
  if (o.init < 0) throw InputError(fmt::format("--init {} is negative", o.init));
  if (o.size < 16 || o.size > 4096) throw InputError(fmt::format("--size {} is outside [16, 4096]", o.size));
  if (o.max_frames < 0) throw InputError(fmt::format("--max-frames {} is negative", o.max_frames));

  const auto spec = envs::EnvSpec::Create(o.suite, o.task, o.embodiment);
  const envs::ScriptedExpert expert(*spec);
  envs::EpisodeId id;
  id.suite = o.suite;
  id.task = o.task;
  id.split = o.split;
  id.embodiment = o.embodiment;
  id.init_index = o.init;
  id.seed = static_cast<uint64_t>(o.seed);

  envs::EpisodeState state;
  envs::Reset(*spec, id, state);
  envs::ExpertState memory;
  expert.Reset(*spec, state, memory);
  envs::Renderer renderer(envs::ParseRenderBackend(o.renderer));
  const auto first = renderer.Render(spec->model(), state.data.get(), o.camera, o.size, o.size);

  const fs::path dir(o.out);
  fs::create_directories(dir);
  const std::string stem = fmt::format("{}_{}_init{}", o.task, o.embodiment, o.init);
  const fs::path png = dir / (stem + ".png");
  WritePng(png, first);

  AtomicVideo video(dir, stem, spec->embodiment().control_hz(), o.size);
  video.Write(first);
  envs::StepResult result{state.success_now, state.success_once, state.done, state.failure, state.step};
  while (!state.done) {
    ThrowIfInterrupted();
    result = envs::Step(*spec, expert.Act(*spec, state, memory), state);
    // Past --max-frames the episode still runs (physics only) so its outcome is reported.
    if (o.max_frames == 0 || video.frames() < o.max_frames) {
      video.Write(renderer.Render(spec->model(), state.data.get(), o.camera, o.size, o.size));
    }
  }
  video.Commit();

  fmt::print("instruction: {}\n", state.instruction);
  fmt::print("wrote {}\n", png.string());
  fmt::print("wrote {} ({} frames at {} Hz{}{})\n", video.path().string(), video.frames(),
             spec->embodiment().control_hz(), video.frames() <= result.step ? ", capped by --max-frames" : "",
             video.fell_back() ? "; MP4 unavailable, wrote AVI/MJPG instead" : "");
  if (result.success_once) {
    fmt::print("expert: succeeded in {} steps\n", result.step);
  } else {
    fmt::print("expert: failed after {} steps ({})\n", result.step, envs::FailureName(result.failure));
  }
  return kExitOk;
}

}  // namespace

void RegisterRenderCommand(CLI::App& app, Dispatch& dispatch) {
  auto options = std::make_shared<RenderOptions>();
  auto* command = app.add_subcommand(
      "render", "Write a PNG of a task's initial state and a video of a scripted-expert episode");
  command->add_option("--suite", options->suite, "Suite (see `fasterbench list suites`)")->required();
  command->add_option("--task", options->task, "Task of the suite (see `fasterbench list tasks`)")->required();
  command->add_option("--embodiment", options->embodiment, "Embodiment the suite lists")->required();
  command->add_option("--init", options->init, "Initial-state index")->capture_default_str();
  command->add_option("--seed", options->seed, "Seed of the initial joint noise")->capture_default_str();
  command->add_option("--split", options->split, "Split of the initial state (see `fasterbench list splits`)")
      ->capture_default_str();
  command->add_option("--size", options->size, "Image width and height in pixels")->capture_default_str();
  command->add_option("--camera", options->camera, "Camera name in the model")->capture_default_str();
  command->add_option("--max-frames", options->max_frames,
                      "Cap the video at this many frames (the episode still runs to its end); 0 = no cap")
      ->capture_default_str();
  command->add_option("--renderer", options->renderer, "GL backend: osmesa (software) or egl (headless; a GPU if any)")
      ->check(CLI::IsMember({"osmesa", "egl"}))
      ->capture_default_str();
  command->add_option("--out", options->out, "Output directory")->required();
  command->callback([&dispatch, options] { dispatch.run = [options] { return RunRender(*options); }; });
}

}  // namespace fb::apps
