/**
 * The call itself, for either side: the other's video large, one's own
 * small, and the controls (mute, camera off, switch camera, hang up), the
 * network indicator and whatever the page puts beside it (chat, intake).
 */
import { type ReactNode, useEffect, useState } from "react";
import { useI18n } from "../i18n";
import { Call, type CallStatus, type RoomState, type Ticket } from "./call";
import { type Choice, constraintsFor, type DeviceLists, speakerChoiceSupported } from "./devices";
import { NetworkIndicator, StreamVideo, useCallQuality } from "./media";

/** useCall joins the room with the local stream while `on`, and follows it. */
export function useCall(
  ticket: (() => Promise<Ticket>) | undefined,
  stream: MediaStream | undefined,
  on: boolean,
) {
  const [call, setCall] = useState<Call | undefined>();
  const [status, setStatus] = useState<CallStatus>("connecting");
  const [reason, setReason] = useState<string | undefined>();
  const [room, setRoom] = useState<RoomState>({ admitted: false, peers: [] });
  const [remote, setRemote] = useState<Record<string, MediaStream | undefined>>({});
  const joinable = on && Boolean(ticket) && Boolean(stream);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new stream is sent by setLocal below, not by a rejoin
  useEffect(() => {
    if (!joinable || !ticket || !stream) return;
    const c = new Call(ticket, stream, {
      onStatus: (s, why) => {
        setStatus(s);
        if (why) setReason(why);
      },
      onRoom: setRoom,
      onRemote: (role, s) => setRemote((r) => ({ ...r, [role]: s ?? undefined })),
    });
    setStatus("connecting");
    setCall(c);
    c.start();
    return () => {
      c.hangUp();
      setCall(undefined);
      setRemote({});
    };
  }, [joinable, ticket]);
  useEffect(() => {
    if (call && stream) void call.setLocal(stream);
  }, [call, stream]);
  const quality = useCallQuality(call, status === "connected");
  return { call, status, reason, room, remote, quality };
}

/** CallControls mutes, turns the camera off and on, switches camera, hangs up. */
export function CallControls({
  call,
  stream,
  choice,
  lists,
  onChoice,
  onHangUp,
  hangUpLabel,
}: {
  call: Call | undefined;
  stream: MediaStream | undefined;
  choice: Choice;
  lists: DeviceLists;
  onChoice: (c: Choice) => void;
  onHangUp: () => void;
  hangUpLabel: string;
}) {
  const { t } = useI18n();
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const toggleMute = () => {
    for (const tr of stream?.getAudioTracks() ?? []) tr.enabled = muted;
    setMuted(!muted);
  };
  const toggleCamera = async () => {
    if (!cameraOff) {
      // Off means off: the camera is released, not sending black frames.
      for (const tr of stream?.getVideoTracks() ?? []) tr.stop();
      await call?.replaceTrack("video", null);
      setCameraOff(true);
      return;
    }
    const s = await navigator.mediaDevices.getUserMedia({ video: constraintsFor(choice).video });
    const tr = s.getVideoTracks()[0];
    if (tr) await call?.replaceTrack("video", tr);
    setCameraOff(false);
  };
  const switchCamera = () => {
    const cams = lists.cameras;
    if (cams.length < 2) return;
    const current = stream?.getVideoTracks()[0]?.getSettings().deviceId ?? choice.cameraId;
    const i = cams.findIndex((c) => c.id === current);
    const next = cams[(i + 1) % cams.length];
    if (next) onChoice({ ...choice, cameraId: next.id });
  };
  return (
    <div className="call-controls" role="toolbar" aria-label={t("videoRoomTitle")}>
      <button
        type="button"
        className={muted ? "danger" : "secondary"}
        aria-pressed={muted}
        onClick={toggleMute}
      >
        {muted ? t("videoUnmute") : t("videoMute")}
      </button>
      <button
        type="button"
        className={cameraOff ? "danger" : "secondary"}
        aria-pressed={cameraOff}
        onClick={() => void toggleCamera()}
      >
        {cameraOff ? t("videoCameraOn") : t("videoCameraOff")}
      </button>
      {lists.cameras.length > 1 ? (
        <button type="button" className="secondary" disabled={cameraOff} onClick={switchCamera}>
          {t("videoSwitchCamera")}
        </button>
      ) : null}
      {lists.speakers.length > 0 && speakerChoiceSupported() ? (
        <span className="call-speaker">
          <label htmlFor="call-speaker">{t("wiSpeakerOut")}</label>
          <select
            id="call-speaker"
            value={choice.speakerId ?? ""}
            onChange={(e) => onChoice({ ...choice, speakerId: e.target.value || undefined })}
          >
            <option value="">{t("videoDefaultDevice")}</option>
            {lists.speakers.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </span>
      ) : null}
      <button type="button" className="danger hang-up" onClick={onHangUp}>
        {hangUpLabel}
      </button>
    </div>
  );
}

/** CallStage shows the other's video large with one's own picture inset. */
export function CallStage({
  local,
  remote,
  remoteLabel,
  frames,
  status,
  grade,
  controls,
  children,
  speakerId,
}: {
  local: MediaStream | undefined;
  remote: MediaStream | undefined;
  remoteLabel: string;
  frames: number;
  status: CallStatus;
  grade: Parameters<typeof NetworkIndicator>[0]["grade"];
  controls: ReactNode;
  children?: ReactNode;
  /** where the other side's sound goes (the chosen speaker) */
  speakerId?: string;
}) {
  const { t } = useI18n();
  return (
    <div className="call">
      <div className="stage" data-testid="stage" data-frames-decoded={frames} data-status={status}>
        {remote ? (
          <StreamVideo
            stream={remote}
            muted={false}
            label={remoteLabel}
            className="remote"
            speakerId={speakerId}
          />
        ) : (
          <div className="video-tile remote empty">
            <p>{t("videoWaitingForOther")}</p>
          </div>
        )}
        <StreamVideo stream={local} muted mirrored label={t("videoYou")} className="self" />
        <NetworkIndicator grade={grade} reconnecting={status === "reconnecting"} />
      </div>
      {status === "failed" ? <p className="notice notice-error">{t("videoCallFailed")}</p> : null}
      {controls}
      {children}
    </div>
  );
}
