import type { Metadata } from "next";
import { buttonClass } from "@/components/ui/button";
import { InputField } from "@/components/ui/field";
import { Pager } from "@/components/ui/pager";
import { getDb } from "@/db";
import { requireActor, canManagePeople } from "@/lib/auth";
import { DomainError } from "@/lib/errors";
import { href } from "@/lib/paging";
import { listPeople, parsePeopleQuery, type PeopleQuery } from "@/lib/people";
import { PersonRow } from "./_components/person-row";

export const metadata: Metadata = { title: "People" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PeoplePage({ searchParams }: Props) {
  const actor = await requireActor();
  if (!canManagePeople(actor)) {
    return (
      <section>
        <h1 className="text-xl font-semibold">People</h1>
        <p role="alert" className="mt-4">
          Only admins manage people and roles.
        </p>
      </section>
    );
  }
  let query: PeopleQuery = { q: "" };
  let error: DomainError | null = null;
  try {
    query = parsePeopleQuery(await searchParams);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    error = e;
  }
  const { people, next } = await listPeople(getDb(), actor, query);
  return (
    <section aria-labelledby="people-heading" className="space-y-4">
      <div>
        <h1 id="people-heading" className="text-xl font-semibold">
          People
        </h1>
        <p className="text-sm text-slate-600">
          Who may do what in Steward. New people signing in through single sign-on start as members. Every change is
          audited.
        </p>
      </div>
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
      {error ? (
        <p role="alert" className="text-sm text-red-800">
          {error.message}{" "}
          {Object.values(error.fieldErrors ?? {})
            .flat()
            .join(" ")}{" "}
          Showing everyone.
        </p>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <caption className="sr-only">People and roles</caption>
          <thead className="bg-slate-50">
            <tr>
              {["Person", "Team", "Manager", "Status", "Roles", "Employment"].map((h) => (
                <th key={h} scope="col" className="px-3 py-2 text-left font-medium text-slate-700">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {people.map((p) => (
              <PersonRow key={p.id} person={p} />
            ))}
          </tbody>
        </table>
      </div>
      <Pager next={next ? href("/people", { q: query.q }, { after: next }) : null} nextLabel="Next page →" />
    </section>
  );
}
