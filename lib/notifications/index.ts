// The door to lib/notifications: what the app tells a person in its bell. Everything outside
// imports from "@/lib/notifications".
export { markNotificationsRead, myNotifications, unreadNotifications, type Notification } from "./notifications";
