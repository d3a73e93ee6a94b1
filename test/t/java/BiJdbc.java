// A BI tool's view of safeguard through the PostgreSQL JDBC driver (Debian's
// libpostgresql-jdbc-java), as DBeaver, Tableau and Metabase use it:
// test/t/030_bi_clients.pl compiles and runs this as a login role with the reader duty.
// Usage: java -cp <driver>:<dir> BiJdbc JDBC_URL
// Prints one line per fact ("key value"): the REMARKS of report_indicators columns from
// DatabaseMetaData.getColumns, the JDBC type of a boolean column, the tables offered
// in schemas safeguard and safeguard_reporting and how many of them open, and a view's
// row count.
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

public class BiJdbc {
    public static void main(String[] args) throws Exception {
        try (Connection cn = DriverManager.getConnection(args[0])) {
            DatabaseMetaData md = cn.getMetaData();
            try (ResultSet rs = md.getColumns(null, "safeguard", "report_indicators", null)) {
                while (rs.next())
                    System.out.println("remarks " + rs.getString("COLUMN_NAME") + " " + rs.getString("REMARKS"));
            }
            for (String schema : new String[] {"safeguard", "safeguard_reporting"}) {
                java.util.List<String> names = new java.util.ArrayList<>();
                try (ResultSet rs = md.getTables(null, schema, "%", new String[] {"TABLE", "VIEW"})) {
                    while (rs.next())
                        names.add(rs.getString("TABLE_NAME"));
                }
                int refused = 0;
                for (String name : names) {
                    try (Statement st = cn.createStatement()) {
                        st.executeQuery("SELECT * FROM " + schema + ".\"" + name + "\" LIMIT 0").close();
                    } catch (java.sql.SQLException e) {
                        refused++;
                    }
                }
                System.out.println("tables " + schema + " offered " + names.size() + " refused " + refused);
            }
            try (ResultSet rs = md.getColumns(null, "safeguard_reporting", "report_indicators", "in_time")) {
                while (rs.next())
                    System.out.println("reporting remarks in_time " + rs.getString("REMARKS"));
            }
            try (Statement st = cn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT immediate_risk FROM safeguard.referral_pseudonymised LIMIT 1")) {
                System.out.println("boolean type " + rs.getMetaData().getColumnType(1));
                if (rs.next())
                    System.out.println("boolean value " + rs.getObject(1).getClass().getSimpleName());
            }
            try (Statement st = cn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM safeguard.report_indicators")) {
                int n = 0;
                while (rs.next())
                    n++;
                System.out.println("report_indicators rows " + n);
            }
        }
        System.out.println("ok");
    }
}
