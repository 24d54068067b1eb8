/**
 * The patient's side of a video consultation: the waiting room (equipment
 * test, the doctor's status, check-in) that turns into the consultation
 * room by itself when the doctor admits the patient.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { api, type Consultation } from "../api/client";
import { Link, Notice } from "../components";
import { formatDateTime, useI18n } from "../i18n";
import { formatTime } from "../public";
import { ChatPanel, useChat } from "../video/chat";
import type { Choice } from "../video/devices";
import { eventsURL, useLiveEvents } from "../video/events";
import { doctorStatus, usePolled, usePresence } from "../video/live";
import { EquipmentTest, useDeviceLists, useLocalMedia } from "../video/media";
import { CallControls, CallStage, useCall } from "../video/room";
import { roomTicket } from "../video/tickets";
import "../video/video.css";
import { type HeardPosition, heard } from "../walkin";
import { LoadState, PinGate, useConsultation } from "./consultation";
import { useQueueView, WalkInEnded, WalkInQueuePanel } from "./walkInQueue";

/** waitingOpensAt is ten minutes before the start. */
export function waitingOpensAt(c: Pick<Consultation, "starts_at">): Date | undefined {
  return c.starts_at ? new Date(new Date(c.starts_at).getTime() - 10 * 60 * 1000) : undefined;
}

const videoTypes = new Set(["video", "walk_in"]);
// The room is open to the patient while waiting (a walk-in: queued or
// called, for the equipment test) and in session (domain.VideoRoomOpen).
const roomOpen = new Set(["waiting", "in_session"]);
const walkInRoomOpen = new Set(["queued", "called", "in_session"]);
/** localZone is the patient's own time zone (walk-in ETAs are read in it). */
const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Amsterdam";
const over = new Set(["completed", "cancelled", "no_show", "expired", "payment_failed", "declined"]);

export function VideoWaitingRoomPage({ id, access }: { id: string; access: string }) {
  const { t } = useI18n();
  const { load, reload } = useConsultation(id, access);
  if (load.state === "pin") return <PinGate slug={load.slug} onUnlocked={() => void reload()} />;
  if (load.state !== "ok") return <LoadState load={load} guest={Boolean(access)} />;
  if (!videoTypes.has(load.value.type))
    return (
      <section className="card narrow">
        <h1>{t("videoWaitingTitle")}</h1>
        <Notice kind="info">{t("videoNoVideo")}</Notice>
      </section>
    );
  return <WaitingRoom initial={load.value} access={access} />;
}

function WaitingRoom({ initial, access }: { initial: Consultation; access: string }) {
  const { t, lang } = useI18n();
  const id = initial.id;
  const [left, setLeft] = useState(false);
  const read = useCallback(async () => {
    const { data } = await api.GET("/v1/consultations/{id}", { params: { path: { id } } });
    return data;
  }, [id]);
  // Live events tell of every change; while the stream is down the page re-reads.
  const [live, setLive] = useState(false);
  const [c, refreshNow] = usePolled(initial, read, !live);
  // A walk-in's place: the last read, moved at once by live queue events.
  const [readAt, setReadAt] = useState(() => Date.now());
  const [heardPos, setHeardPos] = useState<HeardPosition | undefined>();
  const refresh = useCallback(() => {
    setReadAt(Date.now());
    refreshNow();
  }, [refreshNow]);
  const [doctorOnline, setDoctorOnline] = useState(false);
  const chat = useChat(id);
  useLiveEvents(eventsURL(id, access), {
    open: () => {
      setLive(true);
      refresh();
    },
    status: refresh,
    delay: refresh,
    chat: chat.add,
    presence: (e) => {
      if (e.role === "doctor") setDoctorOnline(e.online);
    },
    queue: (e) => {
      if (e.consultation_id === id) setHeardPos(heard(e, Date.now()));
    },
  });
  const walkIn = c.type === "walk_in";
  const queue = useQueueView(c, heardPos, readAt);
  const opens = waitingOpensAt(c);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 15000);
    return () => clearInterval(timer);
  }, []);
  const isOpen = !opens || opens.getTime() <= now;

  // Opening the waiting room once it is open is checking in.
  const [checkin, setCheckin] = useState<"no" | "sent" | "refused">("no");
  useEffect(() => {
    if (c.status !== "scheduled" || !isOpen || checkin !== "no") return;
    setCheckin("sent");
    void api.POST("/v1/consultations/{id}/checkin", { params: { path: { id } } }).then(({ response }) => {
      if (response.ok) refresh();
      else setCheckin("refused");
    });
  }, [c.status, isOpen, checkin, id, refresh]);

  const [choice, setChoice] = useState<Choice>({});
  const [mediaOn, setMediaOn] = useState(false);
  const media = useLocalMedia(choice, mediaOn);
  const lists = useDeviceLists(media.stream);
  const ticket = useMemo(() => roomTicket(id), [id]);
  const open = (walkIn ? walkInRoomOpen : roomOpen).has(c.status);
  const inRoom = open && !left;
  const { call, status, room, remote, quality } = useCall(ticket, media.stream, inRoom);
  const admitted = room.admitted || c.status === "in_session";
  const doctor = doctorStatus(c, doctorOnline || room.peers.includes("doctor"), now);
  usePresence(id, quality.test.grade ?? quality.live.grade, !over.has(c.status));
  const chatPanel = (
    <ChatPanel
      id={id}
      chat={chat}
      me="patient"
      pinGate={<PinGate slug={chat.pinSlug} onUnlocked={() => void chat.reload()} />}
    />
  );
  const back = `/consultations/${id}${access ? `?access=${encodeURIComponent(access)}` : ""}`;

  if (over.has(c.status) || status === "ended") {
    return (
      <section className="card narrow">
        <h1>{t("videoWaitingTitle")}</h1>
        {walkIn && over.has(c.status) ? (
          <WalkInEnded view={queue} />
        ) : (
          <Notice kind="info">
            {c.status === "completed" || status === "ended" ? t("videoSessionEnded") : t("videoTooLate")}
          </Notice>
        )}
        <p>
          <Link href={back}>{t("toConsultation")}</Link>
        </p>
      </section>
    );
  }

  if (admitted && !left && media.stream) {
    return (
      <section className="card room-card">
        <h1>{t("videoRoomTitle")}</h1>
        <CallStage
          local={media.stream}
          remote={remote.doctor}
          remoteLabel={t("videoRemoteDoctor")}
          speakerId={choice.speakerId}
          frames={quality.frames}
          status={status}
          grade={quality.live.grade}
          controls={
            <CallControls
              call={call}
              stream={media.stream}
              choice={choice}
              lists={lists}
              onChoice={setChoice}
              onHangUp={() => setLeft(true)}
              hangUpLabel={t("videoHangUp")}
            />
          }
        >
          {chatPanel}
        </CallStage>
      </section>
    );
  }

  const late = doctor.key === "videoDoctorLate";
  return (
    <section className="card waiting-card">
      <h1>{t("videoWaitingTitle")}</h1>
      {left ? (
        <div className="notice notice-info" role="status">
          <p>{t("videoYouLeft")}</p>
          <button type="button" onClick={() => setLeft(false)}>
            {t("videoRejoin")}
          </button>
        </div>
      ) : null}
      {!isOpen && opens ? (
        <p data-testid="opens">
          {t("videoWaitingOpens").replace("{time}", formatDateTime(opens.toISOString(), lang))}
        </p>
      ) : walkIn ? (
        <WalkInQueuePanel id={id} view={queue} zone={localZone} onAnswered={() => setMediaOn(true)} />
      ) : roomOpen.has(c.status) ? (
        <p>{t("videoWaitingIn")}</p>
      ) : checkin === "refused" ? (
        <Notice kind="error">{t("conflict")}</Notice>
      ) : null}
      {walkIn ? (
        open ? (
          <p>{t("wiTestMeanwhile")}</p>
        ) : null
      ) : (
        <p
          className={late ? "notice notice-error delay-banner" : "notice notice-info"}
          role="status"
          data-testid="doctor-status"
        >
          {t(doctor.key).replace("{n}", String(doctor.minutes))}
          {late && c.expected_start ? (
            <span data-testid="expected-start">
              {" "}
              {t("wiExpectedStart").replace("{time}", formatTime(c.expected_start, lang, localZone))}
            </span>
          ) : null}
        </p>
      )}
      <EquipmentTest
        media={media}
        choice={choice}
        onChoice={setChoice}
        on={mediaOn}
        onStart={() => setMediaOn(true)}
        connection={inRoom ? quality.test : { state: "idle" }}
        open={open}
      />
      <p>
        <Link href="/support/technical">{t("supWaitingHelp")}</Link>
      </p>
      {chatPanel}
      <p>
        <Link href={back}>{t("toConsultation")}</Link>
      </p>
    </section>
  );
}
