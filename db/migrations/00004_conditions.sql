-- +goose Up
-- Review state of the embedded condition texts (conditions/content). No row
-- for a slug means the demo content as shipped: never reviewed by a
-- dermatologist. Only a published row names a reviewer and a review date,
-- and a published row always does.
CREATE TABLE condition_reviews (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    state       text NOT NULL CHECK (state IN ('draft', 'in_review', 'published')),
    reviewer_id uuid REFERENCES doctors (user_id),
    reviewed_at timestamptz,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT condition_reviews_published_has_reviewer
        CHECK ((state = 'published') = (reviewer_id IS NOT NULL AND reviewed_at IS NOT NULL))
);

-- Comments of logged-in users on condition pages; shown only once approved
-- by an admin.
CREATE TABLE condition_comments (
    id           uuid PRIMARY KEY,
    slug         text NOT NULL,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body         text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    moderated_by uuid REFERENCES users (id),
    moderated_at timestamptz,
    CHECK ((status = 'pending') = (moderated_by IS NULL AND moderated_at IS NULL))
);
CREATE INDEX condition_comments_slug_idx ON condition_comments (slug, created_at DESC) WHERE status = 'approved';
CREATE INDEX condition_comments_status_idx ON condition_comments (status, created_at);

-- +goose Down
DROP TABLE condition_comments;
DROP TABLE condition_reviews;
