-- +goose Up
-- A slot held for a waitlist offer is not free (the slots API leaves it
-- out), so a hold taken, taken up, released or moved changes the doctor's
-- next free slot in the search index as a booking does: the hold enqueues
-- the doctor in the search outbox.
CREATE TRIGGER waitlist_holds_search AFTER INSERT OR DELETE ON waitlist_holds
    FOR EACH ROW EXECUTE FUNCTION search_outbox_enqueue();
CREATE TRIGGER waitlist_holds_change_search AFTER UPDATE OF status, slot, held_until ON waitlist_holds
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.slot IS DISTINCT FROM NEW.slot
                       OR OLD.held_until IS DISTINCT FROM NEW.held_until)
    EXECUTE FUNCTION search_outbox_enqueue();

-- +goose Down
DROP TRIGGER waitlist_holds_change_search ON waitlist_holds;
DROP TRIGGER waitlist_holds_search ON waitlist_holds;
