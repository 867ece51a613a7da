import type { Metadata } from "next";
import { buttonClass } from "@/components/ui/button";
import { InputField } from "@/components/ui/field";
import { ErrorAlert, ListPage, Refusal } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { ListTable } from "@/components/ui/panel";
import { getDb } from "@/db";
import { canManagePeople } from "@/lib/auth";
import { href } from "@/lib/paging";
import { listPeople, parsePeopleQuery, type PeopleQuery } from "@/lib/people";
import { readListPage, type SearchParamsProps as Props } from "../read-or-error";
import { PersonRow } from "./_components/person-row";

export const metadata: Metadata = { title: "People" };

export default async function PeoplePage(props: Props) {
  const { actor, state: query, error } = await readListPage<PeopleQuery>(props, parsePeopleQuery, { q: "" });
  if (!canManagePeople(actor)) {
    return <Refusal title="People">Only admins manage people and roles.</Refusal>;
  }
  const { people, next } = await listPeople(getDb(), actor, query);
  return (
    <ListPage
      id="people-heading"
      title="People"
      description="Who may do what in Steward. New people signing in through single sign-on start as members. Every change is audited."
    >
      <form method="get" className="flex items-end gap-2" role="search">
        <InputField
          id="people-q"
          label="Search people"
          name="q"
          defaultValue={query.q}
          className="w-72"
          placeholder="name or email"
        />
        <button type="submit" className={buttonClass("primary")}>
          Search
        </button>
      </form>
      {error ? <ErrorAlert error={error} then="Showing everyone." /> : null}
      <ListTable
        caption="People and roles"
        headings={["Person", "Team", "Manager", "Status", "Roles", "Employment"]}
        medium
        rows={people.map((p) => (
          <PersonRow key={p.id} person={p} />
        ))}
      />
      <Pager next={next ? href("/people", { q: query.q }, { after: next }) : null} nextLabel="Next page →" />
    </ListPage>
  );
}
