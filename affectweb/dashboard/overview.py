"""What a study holds, in numbers: for the studies list and each study's header."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum

from affectweb.dashboard.models import LOW_COVERAGE, FaceTrack, Media, Study

IN_FLIGHT = Q(media__status__in=(Media.Status.QUEUED, Media.Status.WORKING))


@dataclass(frozen=True)
class StudyCounts:
    media: int = 0
    participants: int = 0  # analysed videos: what the group view compares
    faces: int = 0
    hours: float = 0.0  # of video
    in_flight: int = 0
    failed: int = 0
    low_coverage: int = 0  # analysed media where most frames show no face

    @property
    def video_time(self) -> str:
        """The hours as a person says them: "45 s", "1 min 32 s", "2 h 05 min"."""
        seconds = round(self.hours * 3600)
        if seconds < 60:
            return f"{seconds} s"
        minutes, seconds = divmod(seconds, 60)
        if minutes < 60:
            return f"{minutes} min {seconds:02d} s"
        return f"{minutes // 60} h {minutes % 60:02d} min"


def counts(studies: QuerySet[Study]) -> dict[int, StudyCounts]:
    """Counts per study, in two queries whatever the number of studies."""
    done_video = Q(media__status=Media.Status.DONE, media__kind="video")
    rows = studies.order_by().values("pk").annotate(
        n_media=Count("media"), n_participants=Count("media", filter=done_video),
        seconds=Sum("media__duration", filter=Q(media__kind="video")),
        n_in_flight=Count("media", filter=IN_FLIGHT),
        n_failed=Count("media", filter=Q(media__status=Media.Status.ERROR)),
        n_low=Count("media", filter=Q(media__status=Media.Status.DONE, media__frame_count__gt=0,
                                      media__face_frames__lt=F("media__frame_count") * LOW_COVERAGE)),
    )
    faces = dict(FaceTrack.objects.filter(media__study__in=studies.values("pk")).order_by()
                 .values("media__study").annotate(n=Count("pk")).values_list("media__study", "n"))
    return {r["pk"]: StudyCounts(r["n_media"], r["n_participants"], faces.get(r["pk"], 0),
                                 (r["seconds"] or 0.0) / 3600, r["n_in_flight"], r["n_failed"], r["n_low"])
            for r in rows}


def media_rows(study: Study, fields: tuple[str, ...]) -> QuerySet[Media]:
    """The study's media for its list: faces counted, and the face to show as a thumbnail."""
    first_face = FaceTrack.objects.filter(media=OuterRef("pk"), thumbnail__isnull=False).order_by("position")
    return (study.media.only(*fields).annotate(n_faces=Count("faces"),
                                               thumb_face=Subquery(first_face.values("face_id")[:1]))
            .order_by("-created"))
